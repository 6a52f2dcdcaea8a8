"""Ways into a module's notebook: download, Binder, JupyterHub (nbgitpuller) and Colab links.

The links are configured by the standard Jupyter Book keys of ``book/_config.yml``
(``launch_buttons`` and ``repository``), which environment variables override:

- ``ACADEMY_REPOSITORY_URL``: the public git repository that learners launch from (its
  ``repository.branch``, ``learner`` by default, holds the learner tree that ``academy pack``
  writes: the learner notebooks at ``modules/<id>/<notebook>.ipynb``, with the toolkit, the
  datasets and ``environment.yml``);
- ``ACADEMY_REPOSITORY_BRANCH``, ``ACADEMY_BINDERHUB_URL``, ``ACADEMY_JUPYTERHUB_URL``,
  ``ACADEMY_COLAB_URL``.

Without a repository URL the book offers the download only. The theme's own launch buttons
would point at the book's chapter file rather than the learner notebook, so the book renders
these links itself (as plain, accessible links in the page) and hands the theme no launch keys.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlparse

ENV_OVERRIDES = {
    ("repository", "url"): "ACADEMY_REPOSITORY_URL",
    ("repository", "branch"): "ACADEMY_REPOSITORY_BRANCH",
    ("launch_buttons", "binderhub_url"): "ACADEMY_BINDERHUB_URL",
    ("launch_buttons", "jupyterhub_url"): "ACADEMY_JUPYTERHUB_URL",
    ("launch_buttons", "colab_url"): "ACADEMY_COLAB_URL",
}
DEFAULT_BRANCH = "learner"


@dataclass(frozen=True)
class LaunchSettings:
    """Where learners launch notebooks from; empty strings switch a service off."""

    repository_url: str = ""
    branch: str = DEFAULT_BRANCH
    path_in_repository: str = ""
    binderhub_url: str = ""
    jupyterhub_url: str = ""
    colab_url: str = ""
    interface: str = "jupyterlab"


def launch_settings(config: dict[str, Any], environ: dict[str, str] | None = None
                    ) -> LaunchSettings:
    """Return the launch settings of a book ``_config.yml`` mapping, with env overrides."""
    env = dict(os.environ if environ is None else environ)
    values: dict[tuple[str, str], str] = {}
    for section, key in [*ENV_OVERRIDES, ("repository", "path_to_book"),
                         ("launch_buttons", "notebook_interface")]:
        raw = (config.get(section) or {}).get(key, "")
        values[section, key] = str(raw or "").strip()
    for (section, key), variable in ENV_OVERRIDES.items():
        if env.get(variable) is not None:
            values[section, key] = env[variable].strip()
    return LaunchSettings(
        repository_url=values["repository", "url"].rstrip("/").removesuffix(".git"),
        branch=values["repository", "branch"] or DEFAULT_BRANCH,
        path_in_repository=values["repository", "path_to_book"].strip("/"),
        binderhub_url=values["launch_buttons", "binderhub_url"].rstrip("/"),
        jupyterhub_url=values["launch_buttons", "jupyterhub_url"].rstrip("/"),
        colab_url=values["launch_buttons", "colab_url"].rstrip("/"),
        interface=values["launch_buttons", "notebook_interface"] or "jupyterlab",
    )


def launch_links(settings: LaunchSettings, notebook_path: str) -> list[tuple[str, str]]:
    """Return (service, URL) pairs that open ``notebook_path`` (relative to the learner tree)."""
    if not settings.repository_url:
        return []
    prefix = f"{settings.path_in_repository}/" if settings.path_in_repository else ""
    path = f"{prefix}{notebook_path}"
    ui = "lab/tree" if settings.interface == "jupyterlab" else "tree"
    parsed = urlparse(settings.repository_url)
    parts = parsed.path.strip("/").split("/")
    org, repo = (parts + ["", ""])[:2]
    links: list[tuple[str, str]] = []
    if settings.binderhub_url:
        if parsed.netloc == "github.com":
            spec = f"gh/{org}/{repo}/{settings.branch}"
        elif parsed.netloc == "gitlab.com":
            spec = f"gl/{org}%2F{repo}/{settings.branch}"
        else:
            spec = f"git/{quote(settings.repository_url, safe='')}/{settings.branch}"
        links.append(("Binder", f"{settings.binderhub_url}/v2/{spec}?urlpath={ui}/{path}"))
    if settings.jupyterhub_url:
        # nbgitpuller clones into a folder named after the repository.
        query = urlencode({"repo": settings.repository_url, "branch": settings.branch,
                           "urlpath": f"{ui}/{repo}/{path}"}, safe="/")
        links.append(("JupyterHub", f"{settings.jupyterhub_url}/hub/user-redirect/git-pull?"
                                    f"{query}"))
    if settings.colab_url and parsed.netloc == "github.com":
        links.append(("Colab", f"{settings.colab_url}/github/{org}/{repo}/blob/"
                               f"{settings.branch}/{path}"))
    return links


def theme_config(config: dict[str, Any]) -> dict[str, Any]:
    """Return ``config`` without the launch keys, which the book renders itself."""
    out = dict(config)
    buttons = dict(out.get("launch_buttons") or {})
    for key in ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url"):
        buttons.pop(key, None)
    buttons["thebe"] = False
    out["launch_buttons"] = buttons
    out.pop("repository", None)
    return out
