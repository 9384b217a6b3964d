"""What every ``slrt-sim`` subcommand shares: user errors, option checks, output folders, progress.

A user's mistake (bad scenario, bad option, an output folder that cannot be written) is a
:class:`UserError` (or a domain error such as :class:`~slrt_sim.domain.scenario.ScenarioError`)
that :func:`slrt_sim.cli.main` prints as one line before exiting with code 2.
"""
from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from slrt_sim import paths
from slrt_sim.domain.scenario import MAX_HORIZON_DAYS, Scenario, load_scenario
from slrt_sim.i18n import t

EXIT_USER_ERROR = 2


class UserError(Exception):
    """A mistake the user can fix; the message is one line."""


# ----------------------------------------------------------------------------- options
def positive_int(option: str, value: int | None, allow_none: bool = True, maximum: int | None = None) -> int | None:
    """``value`` if it is at least 1 (and at most ``maximum``); a :class:`UserError` naming ``option`` otherwise."""
    if value is None and allow_none:
        return None
    if value is None or value < 1:
        raise UserError(t("cli.err.at_least_one", option=option, value=value))
    if maximum is not None and value > maximum:
        raise UserError(t("cli.err.at_most", option=option, max=maximum, value=value))
    return value


# ----------------------------------------------------------------------------- scenarios
SHORT_PREFIXES = ("kota_", "kabupaten_")


def bundled_scenarios() -> dict[str, Path]:
    """The kit's own scenarios by name (``scenarios/*.yaml`` of the clone or of the installed wheel)."""
    return {f.stem: f for f in sorted(paths.SCENARIOS.glob("*.yaml"))}


def scenario_path(arg: str) -> str:
    """The scenario file ``arg`` names: an existing file as given; else a bundled scenario by its
    name, with or without ``.yaml`` and ``scenarios/`` (``kota_pekalongan``), or by its short
    name without ``kota_`` / ``kabupaten_`` (``pekalongan``) when only one scenario has it.
    A path to a ``.yaml`` that does not exist is left to the loader (its message names the
    file); any other unknown name is a :class:`UserError` listing the known ones."""
    if Path(arg).exists():
        return arg
    bundled = bundled_scenarios()
    name = arg.replace("\\", "/")
    name = name[len("scenarios/"):] if name.startswith("scenarios/") else name
    name = name[:-len(".yaml")] if name.endswith(".yaml") else name
    if name in bundled:
        return str(bundled[name])
    short = [n for n in bundled if n.startswith(SHORT_PREFIXES) and n.split("_", 1)[1] == name]
    if len(short) == 1:
        return str(bundled[short[0]])
    if "/" in name or arg.endswith((".yaml", ".yml")):
        return arg
    raise UserError(t("cli.err.unknown_scenario", name=arg, known=", ".join(bundled)))


def load_with_options(path: str, sets: Sequence[str] | None, seed: int | None, days: float | None) -> Scenario:
    """The scenario file with ``--set``, ``--seed`` and ``--days`` applied (each checked).

    ``--days`` counts the days measured after the scenario's warm-up: ``horizon_days`` becomes
    ``warmup_days + days``.
    """
    overrides = list(sets or [])
    if seed is not None:
        overrides.append(f"seed={seed}")
    if days is not None and not (math.isfinite(days) and 0 < days <= MAX_HORIZON_DAYS):
        raise UserError(t("cli.err.days", value=days, max=MAX_HORIZON_DAYS))
    s = load_scenario(scenario_path(path), overrides or None)
    if days is not None:  # measured days: the scenario's warm-up (district files have one) comes first
        s = s.with_overrides([f"horizon_days={s.warmup_days + days!r}"], "--days")
    return s


def writable_folder(out: str | Path, message_key: str = "cli.err.out_dir") -> Path:
    """Create ``out`` if needed and check it can be written; a one-line UserError if not."""
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UserError(t(message_key, path=str(out), reason=exc.strerror or str(exc))) from None
    return folder


def json_clean(value: Any) -> Any:
    """``value`` with NaN/inf as None and numpy scalars as Python numbers (for ``--json``)."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {k: json_clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_clean(v) for v in value]
    if hasattr(value, "item"):
        return json_clean(value.item())
    return value


# ----------------------------------------------------------------------------- progress
class ProgressBar:
    """A text progress bar on stderr, redrawn at most a few times a second."""

    def __init__(self, label: str, enabled: bool, stream=None, min_interval: float = 0.2):
        self.label, self.enabled = label, enabled
        self.stream = stream or sys.stderr
        self.min_interval = min_interval
        self._last = 0.0
        self._shown = False

    def update(self, fraction: float, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last < self.min_interval:
            return
        self._last = now
        fraction = min(1.0, max(0.0, fraction))
        width = 30
        filled = int(round(width * fraction))
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {fraction * 100:5.1f}%")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.update(1.0, force=True)
            self.stream.write("\n")
            self.stream.flush()


def progress_bar(label: str, args) -> ProgressBar:
    """The bar a subcommand shows: on a terminal or with ``--progress``, never with ``--quiet``."""
    return ProgressBar(label, (not args.quiet) and (args.progress or sys.stderr.isatty()))
