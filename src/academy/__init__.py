"""Toolkit of the Global Classroom curriculum: curriculum, data, release, grading, book."""

__version__ = "0.1.0"
