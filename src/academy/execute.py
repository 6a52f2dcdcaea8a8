"""Execute source notebooks (with solutions) to prove they run, cached by content."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from academy.curriculum import Curriculum, Module
from academy.errors import AcademyError
from academy.paths import ensure_interpreter_bin_on_path


class ExecutionError(AcademyError, RuntimeError):
    """A source notebook raised an error or timed out; the message names the notebook and cell."""


@dataclass(frozen=True)
class ExecutionResult:
    notebook: Path
    seconds: float
    cached: bool


def content_hash(curriculum: Curriculum, module: Module) -> str:
    """Return a hash of everything a module's execution depends on: notebooks, data, toolkit."""
    digest = hashlib.sha256()
    root = curriculum.root
    inputs = sorted(
        [*module.folder.glob("*.ipynb"), *(root / "datasets").glob("*"),
         *(root / "src" / "academy").rglob("*.py"), root / "modules" / module.id / "module.yml"]
    )
    for path in inputs:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def execute_notebook(path: Path, *, timeout: int = 120) -> float:
    """Execute one notebook in a fresh kernel (outputs discarded); return the seconds it took.

    Raises ExecutionError naming the notebook and the failing cell.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    ensure_interpreter_bin_on_path()
    notebook = nbformat.read(path, as_version=4)
    # The kernel is local and short-lived; its TCP-transport warning only alarms instructors.
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as exc:
        raise ExecutionError(f"{path}: {exc}") from None
    return time.perf_counter() - start


def execute_modules(curriculum: Curriculum, *, cache_file: Path,
                    modules: list[str] | None = None) -> list[ExecutionResult]:
    """Execute each module's source notebooks unless unchanged since the last success."""
    cache: dict[str, str] = {}
    if cache_file.is_file():
        try:
            cache = json.loads(cache_file.read_text())
        except json.JSONDecodeError:
            cache = {}
    results: list[ExecutionResult] = []
    for module in curriculum.modules:
        if modules and module.id not in modules:
            continue
        key = content_hash(curriculum, module)
        if cache.get(module.id) == key:
            results += [ExecutionResult(module.notebook_path(nb), 0.0, True)
                        for nb in module.notebooks]
            continue
        for nb in module.notebooks:
            seconds = execute_notebook(module.notebook_path(nb))
            results.append(ExecutionResult(module.notebook_path(nb), seconds, False))
        cache[module.id] = key
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(cache, indent=1))
    return results
