"""What serving a class needs besides the server itself: the trainer PIN, the server's
environment and the banner the trainer reads (``slrt-sim serve``, ``make app``).

The server is :class:`slrt_sim.server.app.SlrtVoila`; its command-line options *are* its
traitlets (``--host``, ``--port``, ``--db``, ``--class-size`` ... are aliases of them), so
``slrt-sim serve``, ``python -m slrt_sim.server`` and ``make app`` run the same code with the
same parser, in the foreground, on every system (no ``exec``: on Windows that starts a new
process and returns to the prompt). Settings not given on the command line come from
``voila.json`` (:data:`slrt_sim.paths.CONFIG_DIR`); the custom ``slrt`` template is found
through ``JUPYTER_PATH`` (:data:`slrt_sim.paths.TEMPLATES_ROOT`, no CDN link).

Every kernel inherits the server's environment: ``SLRT_TRAINER_PIN`` (from ``TRAINER_PIN``,
or random), ``SLRT_DB`` and ``SLRT_CACHE_DIR`` (the class cases built once per class,
:mod:`slrt_sim.training.case_cache`: ``<folder of SLRT_DB>/cache``).
"""
from __future__ import annotations

import os
import re
import secrets
import socket
from pathlib import Path
from typing import Mapping

from slrt_sim import paths
from slrt_sim.i18n import t

PIN_ENV = "SLRT_TRAINER_PIN"
CACHE_ENV = "SLRT_CACHE_DIR"


def generate_pin() -> str:
    """A random 6-digit PIN (leading zeros allowed) from a secure source; wrong tries are
    throttled server-wide by :func:`slrt_sim.training.dashboard.check_pin`."""
    return f"{secrets.randbelow(1_000_000):06d}"


def resolve_pin(environ: Mapping[str, str]) -> tuple[str, bool]:
    """Return ``(pin, generated)``: ``TRAINER_PIN`` or ``SLRT_TRAINER_PIN`` if set, else a new one."""
    for name in ("TRAINER_PIN", PIN_ENV):
        value = environ.get(name, "").strip()
        if value:
            if not re.fullmatch(r"\d{4,8}", value):
                raise ValueError(t("serve.err.pin", name=name))
            return value, False
    return generate_pin(), True


def jupyter_path(base: Mapping[str, str]) -> str:
    """``JUPYTER_PATH`` with the kit's template and kernel first."""
    parts = [str(paths.TEMPLATES_ROOT)] + [p for p in base.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    return os.pathsep.join(dict.fromkeys(parts))


def server_env(
    pin: str,
    db: str | os.PathLike[str],
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of the server (and so of every kernel it starts)."""
    env = dict(os.environ if base is None else base)
    env[PIN_ENV] = pin
    env[paths.DB_ENV] = str(db)
    env.setdefault(CACHE_ENV, str(Path(db).parent / "cache"))
    env.pop("TRAINER_PIN", None)  # one name only inside the kit
    env["JUPYTER_PATH"] = jupyter_path(env)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def lan_addresses() -> list[str]:
    """Best guess of this machine's LAN IPv4 address(es), without sending any packet."""
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # UDP connect: picks a route, sends nothing
            found.append(s.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    return [ip for ip in dict.fromkeys(found) if not ip.startswith("127.")]


def addresses(host: str, port: int) -> list[str]:
    """The banner's lines that say where the class opens the kit."""
    lines = []
    if host in ("0.0.0.0", ""):
        ips = lan_addresses()
        if ips:
            lines.append(t("serve.banner.lan"))
            lines += [f"    http://{ip}:{port}/" for ip in ips]
        else:
            lines.append(t("serve.banner.no_lan"))
        lines.append(t("serve.banner.local", url=f"http://localhost:{port}/"))
    else:
        lines.append(t("serve.banner.local", url=f"http://{host}:{port}/"))
    return lines


def banner(pin: str | None, generated: bool, host: str, port: int, db: str, ready: bool = True) -> str:
    """The trainer's banner: ``ready`` once pages can be served (title "siap"), else the plan
    (a dry run: no PIN, since none is kept)."""
    lines = ["", "=" * 64, t("serve.banner.title" if ready else "serve.banner.plan")]
    lines += addresses(host, port)
    if pin is not None:
        lines.append(t("serve.banner.pin_generated" if generated else "serve.banner.pin", pin=pin))
    lines.append(t("serve.banner.db", path=db))
    if ready:
        lines.append(t("serve.banner.stop"))
    lines += ["=" * 64, ""]
    return "\n".join(lines)
