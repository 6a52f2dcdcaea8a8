"""The grading sandbox as a jupyter_client kernel provisioner.

jupyter_client starts, signals and kills every kernel through a *provisioner*, named in the kernel
spec's ``metadata.kernel_provisioner`` and found through the entry point group
``jupyter_client.kernel_provisioners`` (pyproject.toml registers ours as ``academy-sandbox``).
:class:`SandboxProvisioner` is jupyter_client's local provisioner with the kernel's command
wrapped in the sandbox (resource limits, bubblewrap, a cgroup) and a kill that also empties the
cgroup. :class:`SandboxKernelManager` is jupyter_client's kernel manager holding what the
provisioner needs: the sandbox policy, the job folder and the kernel spec that names it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import IO, Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from academy.grading.sandbox import CgroupLimits, SandboxPolicy, kernel_argv, kernel_command

PROVISIONER_NAME = "academy-sandbox"


class SandboxKernelManager(KernelManager):
    """A kernel manager whose kernel runs under ``policy`` in ``job_dir``, over IPC sockets
    there (the sandbox has no loopback network), its output written to ``log``."""

    def __init__(self, *, policy: SandboxPolicy, job_dir: Path, cgroup: CgroupLimits,
                 log: IO[bytes], connection_file: Path, ipc_prefix: Path) -> None:
        super().__init__(transport="ipc", ip=str(ipc_prefix),
                         connection_file=str(connection_file))
        self.policy, self.job_dir, self.cgroup, self.kernel_log = policy, job_dir, cgroup, log
        # Interrupts go as messages on the control channel: a signal to the launcher's process
        # group does not cross into bubblewrap's own session.
        self._kernel_spec = KernelSpec(
            argv=kernel_argv(), display_name="Python 3 (academy sandbox)", language="python",
            interrupt_mode="message",
            metadata={"kernel_provisioner": {"provisioner_name": PROVISIONER_NAME}})

    def sandbox_command(self, kernel: list[str]) -> list[str]:
        """``kernel`` (the spec's argv, filled in) wrapped in the sandbox."""
        return kernel_command(self.policy, job_dir=self.job_dir, kernel=kernel,
                              cgroup=self.cgroup)


class SandboxProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching the kernel inside the grading sandbox."""

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = await super().pre_launch(**kwargs)
        manager = self.parent
        if not isinstance(manager, SandboxKernelManager):
            raise TypeError(f"{PROVISIONER_NAME} needs a SandboxKernelManager, not "
                            f"{type(manager).__name__}")
        kwargs["cmd"] = manager.sandbox_command(kwargs["cmd"])
        kwargs.update(cwd=str(manager.job_dir), stdin=subprocess.DEVNULL, stdout=manager.kernel_log,
                      stderr=subprocess.STDOUT)
        return kwargs

    async def kill(self, restart: bool = False) -> None:
        """Kill the launcher's process group (bubblewrap takes its pid namespace with it) and
        whatever is left in the kernel's cgroup (a fork bomb's escaped children)."""
        await super().kill(restart=restart)
        manager = self.parent
        if isinstance(manager, SandboxKernelManager):
            manager.cgroup.kill_all()
