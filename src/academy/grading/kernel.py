"""Run a notebook's code cells in a sandboxed kernel, cell by cell, surviving what the code does.

jupyter_client's kernel manager starts the kernel through our provisioner
(academy.grading.provisioner); the client stays outside the sandbox and talks to the kernel over
IPC sockets in the job folder (the sandbox has no loopback network). Every cell has a wall-clock
deadline held here: at the timeout the kernel is interrupted, and if it does not answer within a
grace period its whole sandbox is killed. A kernel that dies or is killed is restarted, the cells
before the fatal one are replayed (without it), and grading goes on, so one bad cell costs only
what depends on it.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbformat.v4 import output_from_msg

from academy.checks import MIMETYPE
from academy.errors import AcademyError
from academy.grading.sandbox import CgroupLimits, SandboxPolicy

OUTPUT_LIMIT_BYTES = 1 << 20  # per cell, learners' outputs beyond this are dropped
OBSERVATION_LIMIT = 500  # per cell
INTERRUPT_GRACE = 3.0
START_TIMEOUT = 60.0
MAX_RESTARTS = 4

OK, ERROR, TIMEOUT, DIED, NOT_RUN = "ok", "error", "timeout", "died", "not-run"
# What reading a malformed message raises (jupyter_client's deserialisation, a missing field):
# the kernel is untrusted, so such a message is dropped, never allowed to stop grading.
MALFORMED = (ValueError, KeyError, TypeError, AttributeError)


@dataclass
class CellRun:
    """What happened when one cell ran: status from the execute reply, never from outputs."""

    status: str = NOT_RUN
    ename: str = ""
    evalue: str = ""
    outputs: list[dict[str, Any]] = field(default_factory=list)
    observations: list[dict[str, Any]] = field(default_factory=list)
    output_truncated: bool = False
    reason: str = ""


class KernelGone(AcademyError, RuntimeError):
    """The kernel process exited or stopped answering."""


class KernelHung(KernelGone):
    """The kernel kept running past its deadline and ignored the interrupt; it was killed."""


class SandboxedKernel:
    """One learner kernel in its sandbox, started by jupyter_client's kernel manager through
    our provisioner (academy.grading.provisioner), with a blocking client outside it."""

    def __init__(self, policy: SandboxPolicy, job_dir: Path) -> None:
        from academy.grading.provisioner import SandboxKernelManager

        self.job_dir = job_dir
        self.killed = False
        tag = uuid.uuid4().hex[:12]
        if policy.matplotlib_cache is not None:
            import shutil

            shutil.copytree(policy.matplotlib_cache, job_dir / ".matplotlib", dirs_exist_ok=True)
        self.cgroup = CgroupLimits(f"academy-{os.getpid()}-{tag}", policy.limits)
        self.log_path = job_dir.parent / f"{job_dir.name}-{tag}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115
        self.manager = SandboxKernelManager(
            policy=policy, job_dir=job_dir, cgroup=self.cgroup, log=self.log,
            connection_file=job_dir / f".kernel-{tag}.json", ipc_prefix=job_dir / f".k-{tag}")
        import zmq

        # Our own context, destroyed explicitly in kill(): a context left to the garbage
        # collector with an open socket blocks forever in Context.term().
        self.context = zmq.Context()
        try:
            self.manager.start_kernel()
            self.client = self.manager.client(context=self.context)
            # No heartbeat channel: a busy machine delays heartbeats; the process tells us more.
            self.client.start_channels(hb=False)
            self._wait_for_ready()
        except BaseException:
            self.kill()
            raise

    def _wait_for_ready(self) -> None:
        """Wait until the kernel answers on shell *and* our IOPub subscription receives.

        jupyter_client's ``wait_for_ready`` asks again until a message also arrives on IOPub, so
        a late-joining subscription ("slow joiner") cannot lose the first cell's ``idle``.
        """
        try:
            self.client.wait_for_ready(timeout=START_TIMEOUT)
        except (RuntimeError, *MALFORMED) as exc:  # died, did not answer, or sent garbage
            log = self.log_path.read_text(errors="replace").strip().splitlines()[-3:]
            raise KernelGone(f"the kernel did not start ({type(exc).__name__}: {exc}): "
                             + " | ".join(log)) from None

    def alive(self) -> bool:
        process = getattr(self.manager.provisioner, "process", None)
        return process is not None and process.poll() is None

    def interrupt(self) -> None:
        msg = self.client.session.msg("interrupt_request", {})
        self.client.control_channel.send(msg)

    def kill(self) -> None:
        """Kill the kernel's whole sandbox (process group, pid namespace and cgroup, through the
        provisioner); close the client's sockets; remove the connection and socket files. Safe
        to call twice."""
        if self.killed:
            return
        self.killed = True
        try:
            if self.manager.has_kernel:
                self.manager.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - the sandbox is gone either way; grading goes on
            pass
        self.cgroup.kill_all()  # also when the launch failed half-way
        client = getattr(self, "client", None)
        for channel in ("shell_channel", "iopub_channel", "stdin_channel", "control_channel"):
            try:
                socket = getattr(client, f"_{channel}", None)
                if socket is not None and getattr(socket, "socket", None) is not None:
                    socket.socket.close(linger=0)
            except Exception:  # noqa: BLE001 - closing sockets of a dead kernel may fail anyhow
                pass
        try:
            self.context.destroy(linger=0)
        except Exception:  # noqa: BLE001
            pass
        self.cgroup.remove()
        self.log.close()

    def run(self, source: str, timeout: float) -> CellRun:
        """Execute ``source``; return its CellRun. Raises KernelGone if the kernel died or hung."""
        from queue import Empty

        run = CellRun()
        msg_id = self.client.execute(source, store_history=True, allow_stdin=False,
                                     stop_on_error=False)
        deadline = time.monotonic() + timeout
        interrupted_at: float | None = None
        idle = False
        reply: dict[str, Any] | None = None
        size = 0
        import zmq

        poller = zmq.Poller()
        poller.register(self.client.iopub_channel.socket, zmq.POLLIN)
        poller.register(self.client.shell_channel.socket, zmq.POLLIN)
        pending: list[dict[str, Any]] = []
        while not (idle and reply is not None):
            now = time.monotonic()
            if interrupted_at is None and now > deadline:
                self.interrupt()
                interrupted_at = now
            if interrupted_at is not None and now > interrupted_at + INTERRUPT_GRACE:
                raise KernelHung(f"still running after {timeout:g} s and ignored the interrupt")
            if not self.alive():
                raise KernelGone("the kernel died")
            if not pending:
                # wake as soon as either socket has a message (no polling latency per cell)
                poller.poll(100)
                while reply is None:
                    try:
                        shell = self.client.get_shell_msg(timeout=0)
                        if shell["parent_header"].get("msg_id") == msg_id:
                            reply = dict(shell["content"])
                    except Empty:
                        break
                    except MALFORMED:
                        continue
                while len(pending) < 1000:
                    try:
                        pending.append(self.client.get_iopub_msg(timeout=0))
                    except Empty:
                        break
                    except MALFORMED:
                        continue
                if not pending:
                    continue
            msg = pending.pop(0)
            try:
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                kind, content = str(msg["msg_type"]), dict(msg["content"])
            except MALFORMED:
                continue
            if kind == "status":
                idle = content.get("execution_state") == "idle"
            elif kind == "clear_output":
                run.outputs.clear()
            elif kind in ("stream", "display_data", "execute_result", "error"):
                data = content.get("data", {})
                if kind == "display_data" and MIMETYPE in data:
                    if len(run.observations) < OBSERVATION_LIMIT:
                        run.observations.append(data[MIMETYPE])
                    continue
                size += len(str(content))
                if size > OUTPUT_LIMIT_BYTES:
                    run.output_truncated = True
                    continue
                try:
                    run.outputs.append(dict(output_from_msg(msg)))
                except Exception:  # noqa: BLE001 - the kernel is untrusted: drop what is malformed
                    continue
        status = reply.get("status", ERROR) if reply else ERROR
        if interrupted_at is not None:
            run.status, run.ename = TIMEOUT, "Timeout"
            run.evalue = f"stopped after {timeout:g} s"
        elif status == "ok":
            run.status = OK
        else:
            run.status = ERROR
            run.ename = str((reply or {}).get("ename", "Error"))
            run.evalue = str((reply or {}).get("evalue", ""))
        if run.output_truncated:
            run.reason = f"output over {OUTPUT_LIMIT_BYTES >> 10} KiB was dropped"
        return run


BOOTSTRAP = "import academy.checks as _academy_checks\n_academy_checks.guard()\n"


def run_cells(sources: list[str], *, policy: SandboxPolicy, job_dir: Path, timeout: float,
              budget: float, on_cell: Callable[[int, CellRun], None] | None = None,
              ) -> list[CellRun]:
    """Run code cells in order; return one CellRun per cell.

    A cell that kills or hangs its kernel is recorded (DIED/TIMEOUT), the kernel restarted, the
    cells before it replayed without it, and execution goes on after it. ``budget`` is the total
    wall-clock time for the notebook; cells after it runs out are NOT_RUN with a reason.
    ``on_cell`` is called as each result arrives.
    """
    runs = [CellRun() for _ in sources]
    fatal: set[int] = set()
    started = time.monotonic()
    kernel: SandboxedKernel | None = None
    started_kernels: list[SandboxedKernel] = []  # every one is killed at the end, whatever happens

    def remaining() -> float:
        return budget - (time.monotonic() - started)

    def fresh_kernel(upto: int) -> SandboxedKernel:
        new = SandboxedKernel(policy, job_dir)
        started_kernels.append(new)
        new.run(BOOTSTRAP, timeout=START_TIMEOUT)
        for j in range(upto):
            # Only cells that ran cleanly: one that raised may have left what killed the
            # kernel later (e.g. a fork bomb stopped by the process limit).
            if j not in fatal and runs[j].status == OK:
                new.run(sources[j], timeout=min(timeout, max(remaining(), 1.0)))
        return new

    index = 0
    try:
        while index < len(sources):
            if remaining() <= 0:
                for j in range(index, len(sources)):
                    runs[j] = CellRun(reason=f"not run: the notebook's time budget of "
                                             f"{budget:g} s was used up")
                break
            try:
                if kernel is None:
                    kernel = fresh_kernel(index)
                result = kernel.run(sources[index], timeout=min(timeout, max(remaining(), 1.0)))
                if result.status == TIMEOUT:
                    fatal.add(index)  # do not replay a slow cell after a later restart
            except Exception as exc:  # noqa: BLE001 - whatever the kernel did, grading goes on
                # A dead or hung kernel (KernelGone), or anything else the learner's code caused
                # (e.g. the machine's process limit reached by hundreds of processes): the cell
                # counts as having killed the kernel, which is restarted without it.
                for started_kernel in started_kernels:  # the dead one, or a new one that failed
                    started_kernel.kill()
                kernel = None
                fatal.add(index)
                hung = isinstance(exc, KernelHung)
                reason = str(exc) if isinstance(exc, KernelGone) else f"{type(exc).__name__}: {exc}"
                result = CellRun(status=TIMEOUT if hung else DIED,
                                 ename="Timeout" if hung else "KernelDied", evalue=reason)
                if len(fatal) > MAX_RESTARTS:
                    runs[index] = result
                    if on_cell:
                        on_cell(index, result)
                    for j in range(index + 1, len(sources)):
                        runs[j] = CellRun(reason="not run: the kernel died or hung too often")
                    break
            runs[index] = result
            if on_cell:
                on_cell(index, result)
            index += 1
    finally:
        for started_kernel in started_kernels:
            started_kernel.kill()
    return runs
