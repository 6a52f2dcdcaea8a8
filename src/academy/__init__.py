"""Toolkit of the Global Classroom curriculum: curriculum model, data access, release, grading, book."""

__version__ = "0.1.0"
