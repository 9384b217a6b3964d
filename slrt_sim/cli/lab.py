"""``slrt-sim lab``: JupyterLab on the kit's teaching notebooks (``notebooks/belajar/``), offline.

Decisions:

* **Which folder.** In a clone the notebooks are opened where they are
  (``notebooks/belajar/``), so a developer edits the committed files. An installed kit keeps
  them read-only inside the package, so they are copied to the user's data folder
  (``<user data>/belajar``, see :func:`slrt_sim.paths.user_data_dir`) and opened there;
  ``--dir FOLDER`` chooses another folder. A copy never overwrites a file already there: a
  trainer's edited notebook survives an upgrade (delete it to get the new one).
* **Offline.** JupyterLab would fetch its news feed and ask PyPI for updates and extensions;
  :data:`OFFLINE` turns the three off (news ``None``, the never-check update class, the
  read-only extension manager), and :data:`SETTINGS` (written to the settings folder
  JupyterLab is pointed at, ``<user data>/lab-settings``) answers "never" to its question
  "Would you like to get notified about official Jupyter news?". Nothing else in JupyterLab
  reaches the internet.
* **Only this laptop.** The server listens on ``127.0.0.1`` by default (JupyterLab runs code:
  it is not for the class network) with JupyterLab's usual token; ``--host`` changes it.
* The first notebook (by name) opens in the browser. On Linux and macOS JupyterLab replaces
  the ``slrt-sim`` process, so Ctrl+C or a signal
  reaches it directly. JupyterLab refuses to run as root unless ``-- --allow-root`` is given.

``--dry-run`` prints the command instead of running it. Options after ``--`` go to JupyterLab.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from slrt_sim import paths
from slrt_sim.cli.common import UserError
from slrt_sim.i18n import t

FOLDER = "belajar"
DEFAULT_PORT = 8890
OFFLINE = (
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
)
"""JupyterLab settings that stop it fetching news, update checks and the extension list."""
COPIED = (".ipynb", ".md")
SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}
"""Default settings of the kit's JupyterLab session (JupyterLab's ``overrides.json``)."""


def source_folder() -> Path:
    """The teaching notebooks shipped with the kit (in the clone or the wheel's bundle)."""
    return paths.NOTEBOOKS / FOLDER


def prepare_folder(target: Path | None = None) -> Path:
    """The folder JupyterLab opens: the shipped one in a clone, else ``target`` (default: the
    user's data folder) with every shipped notebook it does not have yet copied in."""
    source = source_folder()
    if target is None:
        if paths.IN_CLONE:
            return source
        target = paths.user_data_dir() / FOLDER
    target = Path(target).expanduser()
    if target.exists() and not target.is_dir():
        raise UserError(t("lab.err.not_folder", path=target))
    try:
        target.mkdir(parents=True, exist_ok=True)
        if target.resolve() != source.resolve():
            for item in sorted(source.iterdir()):
                if item.suffix in COPIED and not (target / item.name).exists():
                    shutil.copy2(item, target / item.name)
    except OSError as exc:
        raise UserError(t("lab.err.cannot_write", path=target, reason=exc.strerror or exc)) from None
    return target


def settings_folder() -> Path:
    return paths.user_data_dir() / "lab-settings"


def write_settings(folder: Path) -> Path:
    """``folder/overrides.json`` holding :data:`SETTINGS`; the folder, for ``--LabApp.app_settings_dir``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "overrides.json").write_text(json.dumps(SETTINGS, indent=1), encoding="utf-8")
    return folder


def first_notebook(folder: Path) -> str | None:
    names = sorted(p.name for p in folder.glob("*.ipynb"))
    return names[0] if names else None


def lab_command(folder: Path, settings: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                token: str | None = None, open_browser: bool = True, extra: Sequence[str] = ()) -> list[str]:
    """The JupyterLab command line (run with this Python) for ``folder``, with the settings
    folder ``settings`` (see :func:`write_settings`)."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}", f"--ServerApp.ip={host}",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--ServerApp.open_browser={open_browser}", *OFFLINE, f"--LabApp.app_settings_dir={settings}"]
    first = first_notebook(folder)
    if first:
        cmd.append(f"--LabApp.default_url=/lab/tree/{first}")
    if token is not None:
        cmd.append(f"--IdentityProvider.token={token}")
    return cmd + list(extra)


def add_parser(sub) -> None:
    p = sub.add_parser("lab", help=t("lab.help"))
    p.add_argument("--dir", help=t("lab.help.dir"))
    p.add_argument("--host", default="127.0.0.1", help=t("lab.help.host"))
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("lab.help.port"))
    p.add_argument("--no-browser", action="store_true", help=t("lab.help.no_browser"))
    p.add_argument("--dry-run", action="store_true", help=t("lab.help.dry_run"))
    p.add_argument("lab_args", nargs="*", help=t("lab.help.extra"))
    p.set_defaults(func=cmd_lab)


def cmd_lab(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise UserError(t("lab.err.port", value=args.port))
    folder = prepare_folder(Path(args.dir) if args.dir else None)
    settings = settings_folder()
    cmd = lab_command(folder, settings, args.host, args.port, open_browser=not args.no_browser, extra=args.lab_args)
    if args.dry_run:
        print(subprocess.list2cmdline(cmd) if sys.platform == "win32" else " ".join(map(_quote, cmd)))
        return 0
    try:
        write_settings(settings)
    except OSError as exc:
        raise UserError(t("lab.err.cannot_write", path=settings, reason=exc.strerror or exc)) from None
    print(t("lab.starting", folder=folder, url=f"http://{args.host}:{args.port}/lab"), flush=True)
    if os.name == "posix":  # JupyterLab takes this process's place: a signal reaches it directly
        os.execv(cmd[0], cmd)
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 130


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)
