"""A hosted class end to end: a real JupyterHub, real Linux accounts, nbgrader's exchange.

The hub is prepared by `academy hub init`'s steps inside a temporary prefix, started on
127.0.0.1 with configurable-http-proxy, and driven only through REST APIs: the hub's, the
instructor's formgrader, the learners' Assignments extension and Jupyter's contents and kernels.

Needs root (useradd), the learners' environment (`make hub-env`) and the proxy
(`make hub-proxy`); elsewhere it skips and says why. Under CI the missing tools are a failure.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from academy.hub import HubSettings, hub_init

REPO = Path(__file__).resolve().parents[1]
HUB_ENV = Path(os.environ.get("ACADEMY_HUB_ENV", "/opt/global-classroom/env"))
PROXY = REPO / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
MODULE = "remittances"
COURSE = "global-classroom"
AUTOGRADED_POINTS = float(yaml.safe_load(
    (REPO / "modules" / MODULE / "module.yml").read_text())["points"]["autograded"])
TIMEOUT = 60  # seconds for any one HTTP request or wait; the whole test stays under 5 minutes

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hosted-class")]


def _missing_prerequisite() -> str | None:
    """Return why this machine cannot host the test hub, or None when it can."""
    if sys.platform != "linux" or os.geteuid() != 0:
        return ("needs root on Linux to create the learners' accounts (useradd): run as root, "
                "as .ci/run does")
    for tool in ("useradd", "userdel", "runuser", "prlimit"):
        if shutil.which(tool) is None:
            return f"needs {tool}: apt-get install passwd util-linux (.ci/run does)"
    if not (HUB_ENV / "bin" / "jupyterhub-singleuser").is_file():
        return f"no learners' environment at {HUB_ENV}: run `make hub-env`"
    if not PROXY.is_file() and shutil.which("configurable-http-proxy") is None:
        return "no configurable-http-proxy: run `make hub-proxy`"
    if shutil.which("jupyterhub", path=str(Path(sys.executable).parent)) is None:
        return "jupyterhub is not installed in the test environment (pip install -e '.[test]')"
    probe = subprocess.run(["runuser", "-u", "nobody", "--", str(HUB_ENV / "bin" / "python"),
                            "-c", "import academy, nbgrader"], capture_output=True, timeout=60,
                           cwd="/")
    if probe.returncode != 0:
        return f"{HUB_ENV} cannot be run by other accounts: {probe.stderr.decode()[-300:]}"
    return None


@pytest.fixture(scope="module")
def hub_prerequisites() -> None:
    reason = _missing_prerequisite()
    if reason and os.environ.get("CI") and os.geteuid() == 0:
        pytest.fail(f"CI runs as root and must run the hub test: {reason}")
    if reason:
        pytest.skip(f"hosted-class test skipped: {reason}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class HostedClass:
    """A running test hub and the people in it."""

    url: str
    settings: HubSettings
    instructor: str
    learners: list[str]
    tokens: dict[str, str]
    log: Path

    def hub_api(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        import requests

        return requests.request(method, f"{self.url}/hub/api/{path}", timeout=TIMEOUT,
                                headers={"Authorization": f"token {token}"}, **kwargs)

    def server(self, user: str, method: str, path: str, *, as_user: str | None = None,
               **kwargs: Any) -> Any:
        """Call ``user``'s single-user server with ``as_user``'s token (default: the user's)."""
        import requests

        token = self.tokens[as_user or user]
        return requests.request(method, f"{self.url}/user/{user}/{path}", timeout=TIMEOUT * 2,
                                headers={"Authorization": f"token {token}"}, **kwargs)

    def ok_json(self, user: str, method: str, path: str, **kwargs: Any) -> Any:
        response = self.server(user, method, path, **kwargs)
        assert response.status_code < 300, (path, response.status_code, response.text[-2000:],
                                            self.log_tail())
        return response.json() if response.text else None

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""


def _wait(predicate: Any, what: str, timeout: float = TIMEOUT) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            value = predicate()
            if value:
                return value
        time.sleep(0.5)
    raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")


def _stop_processes(pids: set[int], uids: set[int]) -> None:
    """Stop the processes the test started (by pid) and any left running as the test accounts."""
    import psutil

    targets: dict[int, Any] = {}
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            targets[pid] = psutil.Process(pid)
    for proc in psutil.process_iter(["uids"]):
        with contextlib.suppress(psutil.Error):
            if proc.info["uids"] and proc.info["uids"].real in uids:
                targets[proc.pid] = proc
    for proc in targets.values():
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    _gone, alive = psutil.wait_procs(list(targets.values()), timeout=10)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(alive, timeout=10)
    left = [proc.pid for proc in targets.values() if proc.is_running()
            and proc.status() != psutil.STATUS_ZOMBIE]
    assert not left, f"processes still running after the hub test: {left}"


@pytest.fixture(scope="module")
def hosted_class(hub_prerequisites: None) -> Iterator[HostedClass]:
    """Prepare and start a hub with one instructor and two learners; tear all of it down."""
    import psutil
    import requests

    tag = uuid.uuid4().hex[:6]
    instructor, learners = f"gci{tag}", [f"gca{tag}", f"gcb{tag}"]
    people = [instructor, *learners]
    prefix = Path(tempfile.mkdtemp(prefix="academy-hub-"))
    os.chmod(prefix, 0o755)  # the learners reach the exchange and their share through it
    home_root = prefix / "home"
    home_root.mkdir(mode=0o755)
    log = prefix / "jupyterhub.log"
    started: set[int] = set()
    hub: subprocess.Popen[bytes] | None = None
    try:
        roster = prefix / "roster.csv"
        with roster.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["username", "role", "name"])
            writer.writerow([instructor, "instructor", "Test Instructor"])
            writer.writerows([[name, "learner", f"Learner {name}"] for name in learners])
        course_root = home_root / instructor / "global-classroom"
        settings = HubSettings(
            course_root=course_root, env=HUB_ENV, prefix=prefix, authenticator="dummy",
            dummy_password=secrets.token_urlsafe(16), spawner="local", mem_limit="8G",
            ip="127.0.0.1", port=_free_port(),
            proxy_command=(str(PROXY) if PROXY.is_file()
                           else str(shutil.which("configurable-http-proxy")),),
            home_root=home_root)
        report = hub_init(roster, settings, create_users=True, source_root=REPO)

        service_token = secrets.token_hex(32)
        with report.hub_config.open("a") as handle:
            handle.write(f"""
# --- test only: private ports and an API service that drives the hub ---
c.JupyterHub.hub_port = {_free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{_free_port()}"
c.JupyterHub.services = [{{"name": "academy-test", "api_token": {service_token!r}}}]
c.JupyterHub.load_roles.append({{"name": "academy-test", "services": ["academy-test"],
    "scopes": ["admin:users", "admin:servers", "tokens", "list:users"]}})
""")
        with log.open("wb") as out:
            hub = subprocess.Popen(
                [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(report.hub_config)],
                cwd=settings.hub_dir, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        started.add(hub.pid)
        url = f"http://127.0.0.1:{settings.port}"
        _wait(lambda: requests.get(f"{url}/hub/api/", timeout=5).ok, "the hub to answer")

        tokens: dict[str, str] = {}
        hosted = HostedClass(url, settings, instructor, learners, tokens, log)
        for name in people:
            response = hosted.hub_api("POST", f"users/{name}/tokens", service_token,
                                      json={"note": "academy test", "expires_in": 3600})
            assert response.status_code == 201, (response.text, hosted.log_tail())
            tokens[name] = response.json()["token"]
            response = hosted.hub_api("POST", f"users/{name}/server", service_token)
            assert response.status_code in (201, 202), (response.text, hosted.log_tail())
        for name in people:
            _wait(lambda n=name: hosted.hub_api("GET", f"users/{n}", service_token)
                  .json()["servers"].get("", {}).get("ready"), f"{name}'s server", 120)
        started.update(p.pid for p in psutil.Process(hub.pid).children(recursive=True))
        yield hosted
    finally:
        if hub is not None:
            with contextlib.suppress(Exception):
                started.update(p.pid for p in psutil.Process(hub.pid).children(recursive=True))
            with contextlib.suppress(ProcessLookupError):
                hub.send_signal(signal.SIGTERM)  # the hub stops the proxy and the servers
            with contextlib.suppress(subprocess.TimeoutExpired):
                hub.wait(timeout=30)
        uids = set()
        for name in people:
            with contextlib.suppress(KeyError):
                uids.add(pwd.getpwnam(name).pw_uid)
        _stop_processes(started, uids)
        for name in people:
            if name in [p.pw_name for p in pwd.getpwall()]:
                subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=60)
        if log.exists():
            shutil.copy2(log, Path(tempfile.gettempdir()) / "academy-hub-test-last.log")
        shutil.rmtree(prefix, ignore_errors=True)


REFLECTION = ("Licence mobile money operators and publish every provider's total price. "
              "The world average was 6.4% in 2025 against the 3% target.")


def _solved(notebook: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """Return ``notebook`` with every answer cell filled in with the source's solution."""
    solutions = {cell["metadata"]["nbgrader"]["grade_id"]: cell["source"]
                 for cell in source["cells"]
                 if cell["metadata"].get("nbgrader", {}).get("solution")}
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if cell["metadata"].get("nbgrader", {}).get("solution") and grade_id in solutions:
            text = solutions[grade_id]
            text = text if isinstance(text, str) else "".join(text)
            cell["source"] = "\n".join(line for line in text.splitlines()
                                       if "### BEGIN SOLUTION" not in line
                                       and "### END SOLUTION" not in line)
            if cell["cell_type"] == "markdown":
                cell["source"] = REFLECTION
    return notebook


def autograde_submissions(hosted: HostedClass, module: str) -> str:
    """Autograde the collected submissions of ``module`` with `academy grade` (sandboxed where
    bubblewrap works, parallel), as the instructor's Linux account; return what it printed."""
    instructor = hosted.instructor
    home = hosted.settings.home(instructor)
    environment = {"HOME": str(home), "USER": instructor, "LANG": "C.UTF-8",
                   "PATH": f"{hosted.settings.env / 'bin'}:/usr/bin:/bin",
                   "ACADEMY_ROOT": str(hosted.settings.course_root)}
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    result = subprocess.run([runuser, "-u", instructor, "--",
                             str(hosted.settings.env / "bin" / "academy"), "grade", module,
                             "--jobs", "2", "--timeout", "60"],
                            cwd=home, env=environment, capture_output=True, text=True,
                            timeout=240)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


def _run_in_kernel(hosted: HostedClass, user: str, code: str) -> str:
    """Run ``code`` in a new kernel of ``user``'s own server; return what it printed."""
    import websocket

    kernel = hosted.ok_json(user, "POST", "api/kernels", json={"name": "python3"})
    ws_url = (hosted.url.replace("http", "ws", 1)
              + f"/user/{user}/api/kernels/{kernel['id']}/channels")
    connection = websocket.create_connection(
        ws_url, header=[f"Authorization: token {hosted.tokens[user]}"], timeout=TIMEOUT)
    try:
        msg_id = uuid.uuid4().hex
        connection.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user,
                       "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))
        # The reply (shell channel) can overtake the printed output (iopub): the output is
        # complete only when iopub reports the kernel idle again for this request.
        printed: list[str] = []
        replied = idle = False
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and not (replied and idle):
            message = json.loads(connection.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                raise AssertionError("\n".join(message["content"]["traceback"]))
            elif message["msg_type"] == "execute_reply":
                replied = True
            elif (message["msg_type"] == "status"
                  and message["content"].get("execution_state") == "idle"):
                idle = True
        if replied and idle:
            return "".join(printed)
        raise TimeoutError("the kernel did not answer")
    finally:
        connection.close()
        hosted.server(user, "DELETE", f"api/kernels/{kernel['id']}")


def _status(hosted: HostedClass, learner: str) -> str:
    listing = hosted.ok_json(learner, "GET", "assignments", params={"course_id": COURSE})
    states = [a["status"] for a in listing["value"] if a["assignment_id"] == MODULE]
    return states[-1] if states else "absent"


def test_hosted_class_release_fetch_submit_grade_feedback(hosted_class: HostedClass) -> None:
    hosted = hosted_class
    correct, blank = hosted.learners
    form = {"course_id": COURSE, "assignment_id": MODULE}
    instructor = hosted.instructor

    # Release: the instructor generates the student version and releases it from the formgrader.
    for action in ("assign", "release"):
        result = hosted.ok_json(instructor, "POST",
                                f"formgrader/api/assignment/{MODULE}/{action}")
        assert result["success"], result

    # Fetch: both learners fetch it in their Assignments tab.
    for learner in hosted.learners:
        assert _status(hosted, learner) == "released"
        hosted.ok_json(learner, "POST", "assignments/fetch", data=form)
        assert _status(hosted, learner) == "fetched"

    # Edit and validate: one learner answers every exercise through the contents API.
    path = f"api/contents/{MODULE}/{MODULE}.ipynb"
    released = hosted.ok_json(correct, "GET", path)["content"]
    source = json.loads((REPO / "modules" / MODULE / f"{MODULE}.ipynb").read_text())
    hosted.ok_json(correct, "PUT", path, json={"type": "notebook", "format": "json",
                                                "content": _solved(released, source)})
    validation = hosted.ok_json(correct, "POST", "assignments/validate",
                                data={"path": f"{MODULE}/{MODULE}.ipynb"})
    assert validation["success"], validation
    assert not validation["value"].get("failed"), validation["value"]

    # Submit: both learners submit (the blank one unchanged).
    for learner in hosted.learners:
        hosted.ok_json(learner, "POST", "assignments/submit", data=form)
        assert _status(hosted, learner) == "submitted"

    # Collect and autograde.
    collected = hosted.ok_json(instructor, "POST", f"formgrader/api/assignment/{MODULE}/collect")
    assert collected["success"], collected
    graded = autograde_submissions(hosted, MODULE)
    assert "graded 2" in graded, graded
    submissions = {s["student"]: s for s in hosted.ok_json(
        instructor, "GET", f"formgrader/api/submissions/{MODULE}")}
    assert submissions[correct]["max_code_score"] == AUTOGRADED_POINTS
    assert submissions[correct]["code_score"] == AUTOGRADED_POINTS
    assert submissions[blank]["code_score"] == 0

    # Feedback: generated and released by the instructor, fetched by each learner.
    for action in ("generate_feedback", "release_feedback"):
        result = hosted.ok_json(instructor, "POST", f"formgrader/api/assignment/{MODULE}/{action}")
        assert result["success"], result
    for learner, score in ((correct, AUTOGRADED_POINTS), (blank, 0.0)):
        hosted.ok_json(learner, "POST", "assignments/fetch_feedback", data=form)
        folders = hosted.ok_json(learner, "GET", f"api/contents/{MODULE}/feedback")["content"]
        assert len(folders) == 1, folders
        html = hosted.ok_json(learner, "GET", f"api/contents/{folders[0]['path']}/{MODULE}.html",
                              params={"type": "file", "format": "text"})["content"]
        max_score = submissions[learner]["max_score"]  # autograded plus the reflection's 8
        assert f"{MODULE} (Score: {score:.1f} / {max_score:.1f})" in html, html[:3000]


def test_learner_cannot_read_others_work_or_instructor_sources(
        hosted_class: HostedClass) -> None:
    hosted = hosted_class
    learner, other = hosted.learners
    settings = hosted.settings
    course = settings.layout
    secrets_to_try = {
        "other learner's home": str(settings.home(other)),
        "other learner's notebook": str(settings.home(other) / MODULE / f"{MODULE}.ipynb"),
        "instructor's home": str(settings.home(hosted.instructor)),
        "instructor's source notebook": str(settings.course_root / "modules" / MODULE
                                            / f"{MODULE}.ipynb"),
        "gradebook": str(course.gradebook),
        "exchange inbound": str(settings.exchange / COURSE / "inbound"),
    }
    code = f"""
import json, os, pwd, resource
found = {{}}
for what, path in {secrets_to_try!r}.items():
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").read(1)
        found[what] = "READABLE"
    except PermissionError:
        found[what] = "denied"
    except FileNotFoundError:
        found[what] = "not found"
found["user"] = pwd.getpwuid(os.getuid()).pw_name
found["memory limit"] = resource.getrlimit(resource.RLIMIT_AS)[0]
print(json.dumps(found))
"""
    found = json.loads(_run_in_kernel(hosted, learner, code))
    assert found.pop("user") == learner  # the server runs as the learner's own Linux account
    assert found.pop("memory limit") == 8 << 30  # the per-learner limit reached the kernel
    assert set(found.values()) == {"denied"}, found

    # The hub's own routing: a learner's token does not open another learner's server.
    response = hosted.server(other, "GET", "api/contents", as_user=learner,
                             allow_redirects=False)
    assert response.status_code in (302, 403, 404), response.status_code
    # Learners' servers run without the instructor's formgrader.
    assert hosted.server(learner, "GET", "formgrader/api/assignments").status_code == 404
