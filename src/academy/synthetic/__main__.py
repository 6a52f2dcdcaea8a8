"""Regenerate the published synthetic tables: python -m academy.synthetic [NAME ...]."""

import sys

from academy.synthetic import TABLES, write_table

for table in sys.argv[1:] or list(TABLES):
    print(write_table(table))
