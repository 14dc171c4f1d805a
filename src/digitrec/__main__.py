from digitrec.cli import main

# Guarded: worker processes (`digitrec predict --jobs`) import the main module again.
if __name__ == "__main__":
    raise SystemExit(main())
