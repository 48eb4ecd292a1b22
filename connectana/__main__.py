"""``python -m connectana``: the ``connectana`` command (see :mod:`connectana.cli`)."""

from connectana.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
