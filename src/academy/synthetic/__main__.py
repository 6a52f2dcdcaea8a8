"""Regenerate the published synthetic tables: python -m academy.synthetic [NAME ...]."""

import sys

from academy.synthetic import TABLES, write_table


def main(names: list[str]) -> None:
    """Write each named table (all of them when none is named) into datasets/."""
    for table in names or list(TABLES):
        print(write_table(table))


if __name__ == "__main__":  # importing the module (e.g. to list error classes) writes nothing
    main(sys.argv[1:])
