"""How fast `digitrec predict` reads a folder on every core, and whether its memory stays flat.

    python bench/batch.py [--files 10000] [--memory-files 100000] [--reference-files 1000] [--json]

- `digitrec predict DIR --csv` on N drawn test digits (PNGs of 280x280 canvases, drawn as
  bench/latency.py draws them), with --jobs 1 and with every core: files/s each, and the ratio;
- each core's share of that (files/s / cores) against one process: bench/latency.py's own
  `digitrec predict FILE...` on --reference-files files (--jobs 1), in the same run;
- peak memory of `digitrec predict DIR --csv` (the command and its workers together, sampled
  every 50 ms with psutil, as their CPU time is) on --memory-files small files (MNIST's 28x28 digits as PNGs, in one
  folder) against --memory-base of them.
Each time includes the command's start, as a user waits for it.

Goals (ratios, so that they hold on any CPU): every core >= 1.8x --jobs 1 on 2 cores; each
core within 10% of the one-process reference (>= 0.9x); the peak memory with 100,000 files
within 1.5x of that with 1,000.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil  # with dask[distributed], in the test extra
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import predict_files as reference_files_per_s

from digitrec import data, synthetic
from digitrec.batch import available_cores
from digitrec.profile import PROFILES_ENV


def drawn_files(folder, count, images):
    """`count` drawn test digits as PNGs in `folder`, as bench/latency.py draws them."""
    rng = np.random.default_rng(3)
    for i in range(count):
        synthetic.drawn_digit(images[i % len(images)], rng, canvas=(280, 280)).save(folder / f"{i:06d}.png")


def small_files(folder, count, images):
    """`count` MNIST test digits as 28x28 PNGs (dark on white) in one folder: many files, little work each."""
    for i in range(count):
        Image.fromarray(255 - images[i % len(images)]).save(folder / f"{i:06d}.png")


def read_folder(folder, jobs):
    """Run `digitrec predict FOLDER --csv` with `jobs`. Returns its wall time (s), and of it and its
    workers together the peak memory (RSS, MB) and the CPU time (s): the CPU time a file takes
    can be compared on a busy machine, where wall times cannot."""
    with tempfile.TemporaryDirectory() as out:
        command = [
            sys.executable,
            "-m",
            "digitrec",
            "predict",
            str(folder),
            "--csv",
            f"{out}/r.csv",
            "--quiet",
            "--jobs",
            str(jobs),
        ]
        started = time.perf_counter()
        run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        peak_mb, cpu_s = watch(run)
        _, err = run.communicate()
        seconds = time.perf_counter() - started
        if run.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({run.returncode}): {err}")
    return seconds, round(peak_mb, 1), round(cpu_s, 1)


def watch(run):
    """Sample `run` and its descendants (the workers come from a fork server, a child of `run`) every
    50 ms until it ends: the largest sum of their RSS (MB), and the sum of their last CPU times (s)."""
    peak, cpu, parent = 0, {}, psutil.Process(run.pid)
    while run.poll() is None:
        total = 0
        try:
            for process in [parent, *parent.children(recursive=True)]:
                with process.oneshot():
                    total += process.memory_info().rss
                    times = process.cpu_times()
                cpu[process.pid] = times.user + times.system
        except psutil.Error:  # a process ended between listing and reading it
            pass
        peak = max(peak, total)
        time.sleep(0.05)
    return peak / 2**20, sum(cpu.values())


def speed(count, jobs, images, reference_count):
    with tempfile.TemporaryDirectory() as folder:
        drawn_files(Path(folder), count, images)
        one_s, _, one_cpu = read_folder(folder, 1)
        all_s, _, all_cpu = read_folder(folder, jobs)
    result = {
        "files": count,
        "cores": jobs,
        "jobs_1_files_per_s": round(count / one_s, 1),
        "all_cores_files_per_s": round(count / all_s, 1),
        "jobs_1_cpu_ms_per_file": round(one_cpu / count * 1000, 2),
        "all_cores_cpu_ms_per_file": round(all_cpu / count * 1000, 2),
    }
    result["ratio"] = round(result["all_cores_files_per_s"] / result["jobs_1_files_per_s"], 2)
    per_core = result["all_cores_files_per_s"] / jobs
    result["per_core_files_per_s"] = round(per_core, 1)
    if reference_count:
        reference = reference_files_per_s(reference_count, images)
        result["reference"] = reference
        result["per_core_over_reference"] = round(per_core / reference["files_per_s"], 2)
    return result


def memory(counts, jobs, images):
    """Peak RSS (MB) of reading each count of small files; the last over the first."""
    result = {}
    for count in counts:
        with tempfile.TemporaryDirectory() as folder:
            small_files(Path(folder), count, images)
            seconds, peak, _ = read_folder(folder, jobs)
        result[str(count)] = {"peak_rss_mb": peak, "seconds": round(seconds, 1)}
    result["ratio"] = round(result[str(counts[-1])]["peak_rss_mb"] / result[str(counts[0])]["peak_rss_mb"], 2)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000, help="drawn digits for the speed case (0: skip)")
    parser.add_argument(
        "--reference-files", type=int, default=1000, help="files for bench/latency.py's one-process reference (0: skip)"
    )
    parser.add_argument("--memory-files", type=int, default=100_000, help="small files for the memory case (0: skip)")
    parser.add_argument("--memory-base", type=int, default=1000, help="small files it is compared with")
    parser.add_argument("--jobs", type=int, default=available_cores(), help="processes for 'every core'")
    parser.add_argument("--data", help="MNIST folder (default: $DIGITREC_DATA, else the cache)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    # A new user's start: no profile. (`digitrec predict` reads one only with --profile now; this
    # keeps the bench from the user's profiles all the same.)
    os.environ[PROFILES_ENV] = tempfile.mkdtemp(prefix="digitrec-bench-profiles-")
    _, (images, _) = data.load_mnist(args.data)
    results = {}
    if args.files:
        results["speed"] = speed(args.files, args.jobs, images, args.reference_files)
    if args.memory_files:
        results["memory"] = memory([args.memory_base, args.memory_files], args.jobs, images)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    if args.files:
        s = results["speed"]
        print(
            f"digitrec predict DIR --csv on {s['files']} drawn digits: --jobs 1 {s['jobs_1_files_per_s']} files/s, "
            f"--jobs {s['cores']} {s['all_cores_files_per_s']} files/s: {s['ratio']}x; CPU time a file "
            f"{s['jobs_1_cpu_ms_per_file']} and {s['all_cores_cpu_ms_per_file']} ms"
        )
        if "reference" in s:
            print(
                f"each core {s['per_core_files_per_s']} files/s against one process's "
                f"{s['reference']['files_per_s']} files/s (bench/latency.py, {s['reference']['files']} files): "
                f"{s['per_core_over_reference']}x"
            )
    if args.memory_files:
        m = results["memory"]
        base, many = m[str(args.memory_base)], m[str(args.memory_files)]
        print(
            f"peak memory (with its workers): {base['peak_rss_mb']} MB for {args.memory_base} small files, "
            f"{many['peak_rss_mb']} MB for {args.memory_files}: {m['ratio']}x"
        )


if __name__ == "__main__":
    main()
