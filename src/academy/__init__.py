"""Toolkit of the Global Classroom curriculum: curriculum, data, release, grading, book."""

import sys

__version__ = "0.1.0"

# jsonschema (imported by nbformat and by our curriculum) loads rfc3987_syntax when it is
# installed (jsonschema[format-nongpl], which jupyter-events asks for) to check the "iri" string
# formats; that module compiles some thirty Earley grammars at import, about 2 s of CPU in every
# process and notebook kernel (python-jsonschema/jsonschema#1428). Nothing in the course checks
# string formats, so the module is marked unavailable before jsonschema looks for it: jsonschema
# then leaves those two formats unchecked, as it does when the module is not installed.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
