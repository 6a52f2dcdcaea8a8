"""The toolkit does not pay for what it does not use at import time."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_toolkit_and_nbformat_skips_the_iri_grammars() -> None:
    """rfc3987_syntax compiles its grammars at import (about 2 s per process and kernel);
    nothing here checks the iri formats it serves, so it is never loaded."""
    code = ("import academy.notebook, academy.curriculum, nbformat, sys; "
            "assert sys.modules.get('rfc3987_syntax') is None, 'rfc3987_syntax was imported'; "
            "from academy.curriculum import load_curriculum; load_curriculum()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_curriculum_is_still_validated_against_its_schemas() -> None:
    import jsonschema

    from academy.curriculum import _schema

    validator = jsonschema.Draft202012Validator(_schema("module"))
    assert list(validator.iter_errors({"id": 3}))  # a wrong module is still refused
