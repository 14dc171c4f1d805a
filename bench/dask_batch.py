"""Past one machine: digitrec's batch reader on a Dask cluster (docs/performance.md shows this code).

    python bench/dask_batch.py FOLDER OUT [--workers 2] [--number]

A `LocalCluster` stands in for a real one (`Client("scheduler-address:8786")`).
Each Dask task reads one partition of the paths with `digitrec.batch.read_files`
(jobs=1: the Dask worker is the process), so a worker process makes one
recogniser and keeps it for its next partitions; each partition's rows go to
a JSON Lines file of its own, as `digitrec predict --jsonl` writes them.
tests/test_batch.py runs it with two local workers.
"""

import argparse
import json

import dask.bag

from digitrec import batch, predict


def read_on_dask(paths, out, partition_size=1000, number=False):
    """Read `paths` on the Dask client's workers into OUT/000000.jsonl, 000001.jsonl, ...:
    one file a partition, in order. Returns the files' paths."""
    bag = dask.bag.from_sequence(paths, partition_size=partition_size)
    rows = bag.map_partitions(batch.read_files, number=number)  # one recogniser a worker process
    lines = rows.map(predict.json_record, number=number, top=1).map(json.dumps)
    return lines.to_textfiles(f"{out}/*.jsonl", name_function=lambda i: f"{i:06d}")


def main():
    from dask.distributed import Client, LocalCluster

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="a folder of images (read at any depth, as `digitrec predict` reads one)")
    parser.add_argument("out", help="a folder for the JSON Lines files")
    parser.add_argument("--workers", type=int, default=2, help="local worker processes")
    parser.add_argument("--number", action="store_true", help="read whole numbers")
    args = parser.parse_args()
    paths = list(batch.find_images([args.folder]))  # the names only: about 100 bytes a file
    with LocalCluster(n_workers=args.workers, processes=True, threads_per_worker=1) as cluster, Client(cluster):
        written = read_on_dask(paths, args.out, number=args.number)
    print(f"{len(paths)} files read into {len(written)} files in {args.out}")


if __name__ == "__main__":
    main()
