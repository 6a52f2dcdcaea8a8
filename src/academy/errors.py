"""The toolkit's one base error: every expected failure derives from it.

The command line catches ``AcademyError`` once and prints its message (no traceback) with exit
code 1. An error's message names the file, the field or the step that went wrong, and what to do.
"""

from __future__ import annotations


class AcademyError(Exception):
    """An expected failure with a message meant for the person who ran the command."""
