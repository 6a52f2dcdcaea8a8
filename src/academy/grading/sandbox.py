"""The sandbox a learner's kernel runs in: bubblewrap namespaces plus resource limits.

Inside bubblewrap the kernel sees the interpreter, the installed toolkit, a read-only course view
(curriculum, module metadata, datasets; no source notebooks), a private /tmp and one writable job
folder. It has no network (a new network namespace), no view of the gradebook, the source
notebooks, hidden tests or other learners' work. Limits: memory and process count (a cgroup where
one can be created, else rlimits), CPU time, file size and a size-capped /tmp.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from academy.errors import AcademyError

INSTALL_HINT = ("bubblewrap is not installed. Install it with `apt-get install bubblewrap` "
                "(Debian/Ubuntu) or `dnf install bubblewrap`, or run with --sandbox off to grade "
                "with resource limits only.")
SANDBOX_MODES = ("auto", "on", "off")
CGROUP_ROOT = Path("/sys/fs/cgroup")


class SandboxUnavailableError(AcademyError, RuntimeError):
    """--sandbox on was asked for where bubblewrap cannot run."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one learner's kernel."""

    memory_mb: int = 2048
    processes: int = 128
    cpu_seconds: int = 600
    file_mb: int = 64
    tmp_mb: int = 64


@dataclass(frozen=True)
class SandboxPolicy:
    """How kernels are isolated: ``bubblewrap`` True runs them in the sandbox."""

    bubblewrap: bool
    limits: Limits
    readonly: tuple[Path, ...] = field(default_factory=tuple)
    env: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    matplotlib_cache: Path | None = None


def bubblewrap_works() -> bool:
    """Return True if bubblewrap is installed and can create the namespaces we use."""
    bwrap = shutil.which("bwrap")
    if bwrap is None or not sys.platform.startswith("linux"):
        return False
    import subprocess

    probe = [bwrap, "--unshare-all", "--die-with-parent", "--new-session",
             *_system_binds(), "--proc", "/proc", "--dev", "/dev", "--", "/bin/true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def resolve_policy(mode: str, limits: Limits, *, readonly: list[Path],
                   env: dict[str, str], matplotlib_cache: Path | None = None) -> SandboxPolicy:
    """Return the policy for ``--sandbox mode``.

    "auto" falls back to resource limits only, with a warning, where bubblewrap cannot run;
    "on" raises SandboxUnavailableError there.
    """
    if mode not in SANDBOX_MODES:
        raise ValueError(f"--sandbox must be one of {SANDBOX_MODES}, not {mode!r}")
    use = False
    if mode != "off":
        use = bubblewrap_works()
        if not use and mode == "on":
            raise SandboxUnavailableError(INSTALL_HINT)
        if not use:
            warnings.warn("Grading WITHOUT a sandbox (resource limits only): learners' code can "
                          "read files the grader can read. " + INSTALL_HINT, stacklevel=2)
    return SandboxPolicy(bubblewrap=use, limits=limits, readonly=tuple(readonly),
                         env=tuple(sorted(env.items())), matplotlib_cache=matplotlib_cache)


def _system_binds() -> list[str]:
    args: list[str] = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
                 "nsswitch.conf", "fonts", "mime.types"):
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def interpreter_paths() -> list[Path]:
    """Return the folders the kernel's interpreter needs: its prefix, the base install, and the
    source folders of editable installs (found from sys.path)."""
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    import academy

    paths.add(Path(academy.__file__).resolve().parent)
    return sorted(p for p in paths if not str(p).startswith("/usr"))


class CgroupLimits:
    """A cgroup (v1 pids/memory or v2) for one kernel, where the grader may create one."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.folders: list[Path] = []
        wanted = {"pids": [("pids.max", str(limits.processes))],
                  "memory": [("memory.limit_in_bytes", str(limits.memory_mb << 20))]}
        for controller, settings in wanted.items():
            folder = CGROUP_ROOT / controller / name
            try:
                folder.mkdir(exist_ok=True)
                for key, value in settings:
                    (folder / key).write_text(value)
                if controller == "memory":
                    swap = folder / "memory.memsw.limit_in_bytes"
                    if swap.exists():
                        swap.write_text(str(limits.memory_mb << 20))
            except OSError:
                self._remove(folder)
                continue
            self.folders.append(folder)

    @property
    def has_memory(self) -> bool:
        return any(f.parent.name == "memory" for f in self.folders)

    @property
    def has_pids(self) -> bool:
        return any(f.parent.name == "pids" for f in self.folders)

    def enter_command(self) -> list[str]:
        """Return a command prefix that moves itself into the cgroups, then execs the rest."""
        if not self.folders:
            return []
        script = "".join(f'echo $$ > "{f}/cgroup.procs" && ' for f in self.folders)
        return ["/bin/sh", "-c", script + 'exec "$0" "$@"']

    def kill_all(self) -> None:
        """Kill every process still in the cgroups (a fork bomb's escaped children)."""
        import signal

        for folder in self.folders:
            try:
                pids = (folder / "cgroup.procs").read_text().split()
            except OSError:
                continue
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (OSError, ValueError):
                    pass

    def remove(self) -> None:
        """Delete the cgroups (they must be empty)."""
        import time

        for folder in self.folders:
            for _ in range(50):
                if self._remove(folder):
                    break
                self.kill_all()
                time.sleep(0.05)

    @staticmethod
    def remove_stale() -> None:
        """Kill what is left in the cgroups of a grader that was killed, and remove them."""
        import signal

        for controller in ("pids", "memory"):
            for folder in (CGROUP_ROOT / controller).glob("academy-*-*"):
                owner = folder.name.split("-")[1]
                if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                    try:
                        pids = (folder / "cgroup.procs").read_text().split()
                    except OSError:
                        pids = []
                    for pid in pids:
                        try:
                            os.kill(int(pid), signal.SIGKILL)
                        except (OSError, ValueError):
                            pass
                    CgroupLimits._remove(folder)

    @staticmethod
    def _remove(folder: Path) -> bool:
        try:
            folder.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError:
            return False


ORPHANED_EXIT = 125


def orphan_guard(parent_pid: int) -> list[str]:
    """Return a command prefix that makes the command die with the process ``parent_pid``.

    Kernels must die with the grader, even after ``kill -9`` (bubblewrap's --die-with-parent
    covers only the sandboxed child, not bubblewrap itself). setpriv asks Linux for SIGKILL when
    the parent (the thread that started the command) ends; a parent killed *before* that request
    (between fork and setpriv's prctl) would leave the command running, so a shell started after
    the request checks that its parent is still ``parent_pid`` and exits with ``ORPHANED_EXIT``
    otherwise. Empty where setpriv is missing.
    """
    if not shutil.which("setpriv"):
        return []
    check = f'[ "$PPID" = "{parent_pid}" ] || exit {ORPHANED_EXIT}; exec "$0" "$@"'
    return ["setpriv", "--pdeathsig", "KILL", "--", "/bin/sh", "-c", check]


def kernel_argv() -> list[str]:
    """The learner kernel's command, as a kernel spec writes it (``{connection_file}`` is filled
    in by jupyter_client): ipykernel of the grader's own environment."""
    python = str(Path(sys.prefix) / "bin" / "python")
    return [python, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--quiet"]


def kernel_command(policy: SandboxPolicy, *, job_dir: Path, kernel: list[str],
                   cgroup: CgroupLimits | None = None) -> list[str]:
    """Return the command that starts ``kernel`` (a kernel's argv) under ``policy`` in
    ``job_dir``: limits, then bubblewrap (where the policy has it), then the kernel."""
    limits = policy.limits
    rlimits = [f"--cpu={limits.cpu_seconds}", f"--fsize={limits.file_mb << 20}",
               f"--nproc={limits.processes}", "--core=0"]
    if cgroup is None or not cgroup.has_memory:
        rlimits.append(f"--as={limits.memory_mb << 20}")
    env = {"HOME": "/tmp", "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
           "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1", "MPLBACKEND": "agg",
           "MPLCONFIGDIR": str(job_dir / ".matplotlib"), "IPYTHONDIR": "/tmp/ipython",
           "JUPYTER_CONFIG_DIR": "/tmp/jupyter", "JUPYTER_DATA_DIR": "/tmp/jupyter-data",
           "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-runtime", "PYTHONDONTWRITEBYTECODE": "1",
           "NBGRADER_EXECUTION": "autograde", **dict(policy.env)}
    prefix = [*orphan_guard(os.getpid()), *(cgroup.enter_command() if cgroup else []),
              "prlimit", *rlimits, "--"]
    if not policy.bubblewrap:
        return [*prefix, "env", "-i", *[f"{k}={v}" for k, v in env.items()], *kernel]
    bwrap = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
             *_system_binds(), "--proc", "/proc", "--dev", "/dev",
             "--size", str(limits.tmp_mb << 20), "--tmpfs", "/tmp"]
    # after the private /tmp, so that folders under /tmp stay visible
    for path in [*interpreter_paths(), *policy.readonly]:
        bwrap += ["--ro-bind", str(path), str(path)]
    bwrap += ["--bind", str(job_dir), str(job_dir), "--chdir", str(job_dir), "--clearenv"]
    for key, value in env.items():
        bwrap += ["--setenv", key, value]
    return [*prefix, *bwrap, "--", *kernel]
