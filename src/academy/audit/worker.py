"""Run a notebook once and try every variant of each exercise in a forked copy of its state.

The worker executes the source notebook's cells in order in one IPython shell. Before the answer
cells of each exercise it forks once per variant: the child runs the variant's answer cells and the
exercise's test cell, rewritten into observations as ``academy grade`` does (and, in a second
child, the original test cell, whose ``Exercise.score()`` is what plain nbgrader reads), sends back
what it saw and exits. The parent then runs the reference answer and goes on. So the notebook's
prefix runs once per module, and no variant sees another's changes.

Protocol: a JSON job on stdin, JSON lines on stdout (see ``academy.audit.runner``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import select
import signal
import sys
import time
import warnings
from typing import Any

from academy.audit import adversary
from academy.checks import MIMETYPE
from academy.errors import AcademyError

CHILD_TIMEOUT = 20.0
CHILD_MEMORY = 2 << 30


def _shell() -> Any:
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Capture(DisplayPublisher):
        """Keep the observations published by ``Exercise.observe``; drop other displays."""

        observations: list[dict[str, Any]] = []

        def publish(self, data: dict[str, Any], metadata: Any = None, source: Any = None, *,
                    transient: Any = None, update: bool = False, **kwargs: Any) -> None:
            if isinstance(data, dict) and MIMETYPE in data:
                Capture.observations.append(data[MIMETYPE])

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    shell.display_pub = Capture(shell=shell)  # type: ignore[no-untyped-call]
    # Errors are read from the execution result; formatting IPython's rich tracebacks would
    # cost more than running the cell.
    shell.showtraceback = lambda *args, **kwargs: None  # type: ignore[method-assign]
    shell.showsyntaxerror = lambda *args, **kwargs: None  # type: ignore[method-assign]
    return shell


class CellFailed(AcademyError):
    """A cell of the notebook raised; ``ename`` and ``evalue`` say what."""

    def __init__(self, ename: str, evalue: str) -> None:
        super().__init__(ename)
        self.ename, self.evalue = ename, evalue


def run(shell: Any, source: str) -> tuple[Any, str]:
    """Run one cell; return (its value, what it wrote to stderr). Raise CellFailed on error."""
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            result = shell.run_cell(source, store_history=False, silent=False)
    error = result.error_before_exec or result.error_in_exec
    if error is not None:
        raise CellFailed(type(error).__name__, str(error)[:300])
    return result.result, stderr.getvalue()


def _child(shell: Any, variant: dict[str, Any], test: str, mode: str) -> dict[str, Any]:
    """In the forked child: run the variant, then the test cell; return what was seen."""
    from IPython.core.displaypub import DisplayPublisher

    capture = type(shell.display_pub)
    assert issubclass(capture, DisplayPublisher)
    try:
        for source in variant["answers"]:
            run(shell, source)
        if variant.get("adversary"):
            adversary.apply(shell.user_ns, variant["adversary"], variant["names"])
    except CellFailed as exc:
        return {"answer_error": f"{exc.ename}: {exc.evalue}"}
    except Exception as exc:  # the adversary could not build a value
        return {"answer_error": f"{type(exc).__name__}: {exc}"}
    capture.observations.clear()  # type: ignore[attr-defined]
    out: dict[str, Any] = {"status": "ok", "ename": "", "evalue": "", "stderr": ""}
    try:
        value, out["stderr"] = run(shell, test)
        if mode == "nbgrader":
            out["value"] = _nbgrader_score(value)
    except CellFailed as exc:
        out.update(status="error", ename=exc.ename, evalue=exc.evalue)
    out["observations"] = list(capture.observations)  # type: ignore[attr-defined]
    return out


def _nbgrader_score(value: Any) -> float | None:
    """The partial credit nbgrader reads from a test cell's result (its text form)."""
    if value is None:
        return None
    try:
        return float(repr(value))
    except ValueError:
        return None


def fork_run(shell: Any, variant: dict[str, Any], test: str, mode: str) -> dict[str, Any]:
    """Run ``variant`` and ``test`` in a forked child, with a deadline; return its report."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        code = 0
        try:
            resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
            payload = json.dumps(_child(shell, variant, test, mode), default=str).encode()
        except BaseException as exc:  # noqa: BLE001 - anything, reported to the parent
            payload = json.dumps({"answer_error": f"{type(exc).__name__}: {exc}"}).encode()
            code = 1
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
        os._exit(code)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + CHILD_TIMEOUT
    with os.fdopen(read_fd, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([pipe], [], [], max(left, 0))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return {"status": "timeout", "ename": "Timeout",
                        "evalue": f"no answer in {CHILD_TIMEOUT:g} s", "observations": []}
            chunk = os.read(pipe.fileno(), 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return {"status": "died", "ename": "Died", "evalue": f"exit status {status}",
                "observations": []}
    received: dict[str, Any] = json.loads(b"".join(chunks))
    return received


def main() -> None:
    """Read the job, run it, write one JSON line per variant and one per reference test."""
    job = json.loads(sys.stdin.read())
    os.chdir(job["cwd"])
    shell = _shell()
    emit = sys.stdout
    sys.stdout = io.StringIO()  # nothing the notebook prints may reach the protocol

    for cell in job["cells"]:
        if cell["kind"] == "exercise":
            _exercise(shell, cell, emit)
            continue
        try:
            run(shell, cell["source"])
        except CellFailed as exc:
            _emit(emit, {"cell_error": f"{cell.get('name', 'a cell')}: {exc.ename}: {exc.evalue}"})
            return


def _emit(stream: Any, report: dict[str, Any]) -> None:
    stream.write(json.dumps(report, default=str) + "\n")
    stream.flush()


def _exercise(shell: Any, cell: dict[str, Any], emit: Any) -> None:
    """Try every variant of one exercise from the state before its answers, then run the
    reference answers and observe the expected values."""
    from academy.grading.transform import rewrite_test_cell

    rewritten = rewrite_test_cell(cell["test"])
    names = adversary.assigned_names(cell["reference"])
    for variant in cell["variants"]:
        variant = {**variant, "names": names}
        modes = [("grade", rewritten)]
        if cell["nbgrader"] and not variant.get("adversary"):
            modes.append(("nbgrader", cell["test"]))
        for mode, test in modes:
            started = time.perf_counter()
            seen = fork_run(shell, variant, test, mode)
            seen.update(exercise=cell["grade_id"], variant=variant["id"], mode=mode,
                        seconds=round(time.perf_counter() - started, 4))
            _emit(emit, seen)
    capture = type(shell.display_pub)
    report: dict[str, Any] = {"exercise": cell["grade_id"], "variant": "expected",
                              "mode": "grade", "status": "ok", "ename": "", "evalue": "",
                              "stderr": ""}
    try:
        for source in cell["reference"]:
            run(shell, source)
        capture.observations.clear()
        _, report["stderr"] = run(shell, rewrite_test_cell(cell["test"], reference=True))
    except CellFailed as exc:
        report.update(status="error", ename=exc.ename, evalue=exc.evalue)
    report["observations"] = list(capture.observations)
    _emit(emit, report)


if __name__ == "__main__":
    main()
