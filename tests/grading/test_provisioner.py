"""Learner kernels are started, interrupted and killed by jupyter_client through our provisioner."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

from academy.grading.kernel import OK, TIMEOUT, SandboxedKernel
from academy.grading.provisioner import PROVISIONER_NAME, SandboxProvisioner
from academy.grading.sandbox import Limits, resolve_policy


def test_the_sandbox_provisioner_is_registered_where_jupyter_client_looks() -> None:
    found = entry_points(group="jupyter_client.kernel_provisioners", name=PROVISIONER_NAME)
    assert [entry.load() for entry in found] == [SandboxProvisioner]


def test_a_kernel_runs_in_the_sandbox_and_its_kill_leaves_nothing(tmp_path: Path,
                                                                  sandbox_mode: str) -> None:
    """The provisioner launches the kernel (wrapped in the sandbox's command); an interrupt
    (a message) stops a runaway cell; the kill ends the process and removes the connection
    file and the IPC sockets."""
    policy = resolve_policy(sandbox_mode, Limits(), readonly=[], env={})
    job = tmp_path / "job"
    job.mkdir()
    job.chmod(0o777)
    kernel = SandboxedKernel(policy, job)
    try:
        assert isinstance(kernel.manager.provisioner, SandboxProvisioner)
        assert kernel.alive()
        where = kernel.run("import os\nprint(os.getcwd())", timeout=30)
        assert where.status == OK and where.outputs[0]["text"].strip() == str(job)
        # in bubblewrap the kernel has its own pid namespace: it sees itself as a low pid
        pid = kernel.run("print(os.getpid())", timeout=30).outputs[0]["text"].strip()
        if policy.bubblewrap:
            assert int(pid) < 10, pid
        runaway = kernel.run("while True:\n    pass", timeout=1)
        assert runaway.status == TIMEOUT
        assert kernel.run("6 * 7", timeout=30).outputs[0]["data"]["text/plain"] == "42"
        launcher = kernel.manager.provisioner.process
    finally:
        kernel.kill()
    assert not kernel.alive()
    assert launcher.poll() is not None  # the sandbox's launcher, bubblewrap and all, ended
    assert [p.name for p in job.iterdir() if p.name.startswith((".kernel-", ".k-"))] == []
