"""academy hub init's steps, one by one, inside a temporary prefix (no accounts, no hub)."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from academy.cli import main
from academy.hub import (
    HubSettings,
    RosterError,
    create_exchange,
    place_course_checkout,
    read_roster,
    render_hub_config,
    render_instructor_config,
    write_learner_config,
    write_nbgrader_config,
)

REPO = Path(__file__).resolve().parents[1]


def _roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


def _settings(tmp_path: Path, **overrides: Any) -> HubSettings:
    values: dict[str, Any] = {"course_root": REPO, "prefix": tmp_path / "root",
                              "env": Path("/opt/global-classroom/env")}
    values.update(overrides)
    return HubSettings(**values)


def _exec_config(text: str) -> Any:
    from traitlets.config import Config

    config = Config()
    namespace: dict[str, Any] = {"get_config": lambda: config}
    exec(compile(text, "jupyterhub_config.py", "exec"), namespace)
    return config


def test_roster_reads_learners_and_instructors(tmp_path: Path) -> None:
    roster = read_roster(_roster(tmp_path, "username,role,name\nada,instructor,Ada\n"
                                           "kofi,learner,Kofi\nmei,Learner,\n"))
    assert roster.instructors == ["ada"]
    assert roster.learners == ["kofi", "mei"]


def test_roster_errors_name_the_file_line_and_field(tmp_path: Path) -> None:
    path = _roster(tmp_path, "username,role\nKofi A,learner\nmei,student\nmei,learner\n")
    with pytest.raises(RosterError) as error:
        read_roster(path)
    message = str(error.value)
    assert f"{path}:2: username: 'Kofi A'" in message
    assert f"{path}:3: role: 'student'" in message
    assert f"{path}:4: username: 'mei' appears twice" in message
    assert "no instructor" in message


def test_roster_without_role_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="missing column"):
        read_roster(_roster(tmp_path, "username\nada\n"))


def test_exchange_is_world_writable_with_sticky_bit(tmp_path: Path) -> None:
    exchange = create_exchange(_settings(tmp_path))
    mode = stat.S_IMODE(exchange.stat().st_mode)
    assert mode == 0o1777


def test_nbgrader_config_points_every_account_at_the_exchange(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    config = _exec_config(write_nbgrader_config(settings).read_text())
    assert config.Exchange.root == str(settings.exchange)
    assert config.CourseDirectory.course_id == "global-classroom"


def test_instructor_config_uses_the_course_layout(tmp_path: Path) -> None:
    settings = _settings(tmp_path, course_dir=tmp_path / "state")
    config = _exec_config(render_instructor_config(settings))
    assert config.CourseDirectory.root == str(REPO)
    assert config.CourseDirectory.source_directory == "modules"
    assert config.CourseDirectory.db_url == f"sqlite:///{tmp_path / 'state' / 'gradebook.db'}"
    assert config.Exchange.root == str(settings.exchange)
    assert "wrong_answers.yml" in config.CourseDirectory.ignore


def test_learner_config_hides_the_formgrader(tmp_path: Path) -> None:
    folder = write_learner_config(_settings(tmp_path))
    server = json.loads((folder / "jupyter_server_config.json").read_text())
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.formgrader"] is False
    assert "nbgrader.server_extensions.assignment_list" not in extensions
    page = json.loads((folder / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True


def test_hub_config_for_a_class_uses_native_auth_and_systemd_limits(tmp_path: Path) -> None:
    roster = read_roster(_roster(tmp_path, "username,role\nada,instructor\nkofi,learner\n"))
    settings = _settings(tmp_path, mem_limit="1G", cpu_limit=0.5)
    config = _exec_config(render_hub_config(settings, roster))
    assert config.JupyterHub.authenticator_class == "native"
    assert config.NativeAuthenticator.open_signup is False
    assert config.Authenticator.allowed_users == {"ada", "kofi"}
    assert config.Authenticator.admin_users == {"ada"}
    assert config.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"
    assert config.Spawner.mem_limit == "1G"
    assert config.Spawner.cpu_limit == 0.5
    environment = config.Spawner.environment
    assert environment["ACADEMY_ROOT"] == str(settings.learner_share)

    class _Spawner:
        def __init__(self, name: str) -> None:
            self.user = type("User", (), {"name": name})()

    assert str(settings.learner_config_dir) in environment["JUPYTER_CONFIG_PATH"](_Spawner("kofi"))
    assert environment["JUPYTER_CONFIG_PATH"](_Spawner("ada")) == str(settings.config_dir)


def test_hub_config_names_classes_that_are_installed(tmp_path: Path) -> None:
    """The authenticator and spawner the generated config names can be imported (hub extra)."""
    pytest.importorskip("nativeauthenticator", reason="pip install '.[hub]' for the authenticator")
    pytest.importorskip("systemdspawner", reason="pip install '.[hub]' for the spawner")
    from nativeauthenticator import NativeAuthenticator
    from systemdspawner import SystemdSpawner

    assert NativeAuthenticator and SystemdSpawner


def test_local_spawner_caps_each_process_with_prlimit(tmp_path: Path) -> None:
    roster = read_roster(_roster(tmp_path, "username,role\nada,instructor\n"))
    settings = _settings(tmp_path, spawner="local", mem_limit="3G", max_processes=99)
    config = _exec_config(render_hub_config(settings, roster))
    assert config.JupyterHub.spawner_class == "localprocess"
    assert config.Spawner.cmd[:4] == ["prlimit", f"--as={3 << 30}", "--nproc=99", "--"]
    assert config.Spawner.cmd[-1] == "/opt/global-classroom/env/bin/jupyterhub-singleuser"


def test_hub_commands_have_help() -> None:
    runner = CliRunner()
    for args in (["hub", "--help"], ["hub", "init", "--help"], ["release", "--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
    assert "--to-exchange" in runner.invoke(main, ["release", "--help"]).output
    assert "--users" in runner.invoke(main, ["hub", "init", "--help"]).output


def test_release_to_exchange_needs_a_module() -> None:
    result = CliRunner().invoke(main, ["release", "--to-exchange"])
    assert result.exit_code == 1
    assert "name the MODULE" in result.output


@pytest.mark.slow
def test_release_to_exchange_puts_the_student_version_in_outbound(tmp_path: Path) -> None:
    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o777)
    args = ["release", "remittances", "--to-exchange", "--exchange", str(exchange),
            "--course-dir", str(tmp_path / "course")]
    for _ in range(2):  # releasing again replaces the release
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    outbound = exchange / "global-classroom" / "outbound" / "remittances"
    assert f"released: {outbound}" in result.output
    notebook = json.loads((outbound / "remittances.ipynb").read_text())
    text = "".join("".join(c["source"]) for c in notebook["cells"])
    assert "### BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert not (outbound / "wrong_answers.yml").exists()
    inbound = exchange / "global-classroom" / "inbound"
    assert stat.S_IMODE(inbound.stat().st_mode) & 0o777 == 0o733  # learners cannot list it
    # a Spanish class fetches the Spanish release, graded cells unchanged
    result = CliRunner().invoke(main, [*args, "--language", "es"])
    assert result.exit_code == 0, result.output
    spanish = json.loads((outbound / "remittances.ipynb").read_text())
    assert (outbound / ".academy-language").read_text().strip() == "es"
    assert "Remesas e inclusión financiera" in "".join(
        "".join(c["source"]) for c in spanish["cells"])
    assert ([c["source"] for c in spanish["cells"] if c["cell_type"] == "code"]
            == [c["source"] for c in notebook["cells"] if c["cell_type"] == "code"])


def test_course_checkout_is_copied_once_and_then_left_alone(tmp_path: Path) -> None:
    settings = _settings(tmp_path, course_root=tmp_path / "amina" / "global-classroom")
    assert place_course_checkout(settings, REPO) is True
    source = settings.course_root / "modules" / "remittances" / "remittances.ipynb"
    assert source.is_file()
    assert (settings.course_root / "datasets" / "datapackage.yaml").is_file()
    source.write_text("the instructor's own edits")
    assert place_course_checkout(settings, REPO) is False
    assert source.read_text() == "the instructor's own edits"


def test_z2jh_values_mount_the_exchange_the_nbgrader_config_names() -> None:
    import yaml

    values = yaml.safe_load((REPO / "deploy" / "z2jh" / "values.yaml").read_text())
    single = values["singleuser"]
    mount = single["storage"]["extraVolumeMounts"][0]["mountPath"]
    config = _exec_config(single["extraFiles"]["nbgrader-config"]["stringData"])
    assert config.Exchange.root == mount
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "native"
    assert single["memory"]["limit"] and single["cpu"]["limit"]
