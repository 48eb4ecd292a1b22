"""``python -m connectana.datasets``: regenerate the bundled sample files."""

from connectana.datasets.samples import main

if __name__ == "__main__":
    raise SystemExit(main())
