"""Generators of the synthetic teaching tables (seeded, labelled synthetic in the data package)."""
