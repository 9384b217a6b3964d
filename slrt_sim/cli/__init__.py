"""The ``slrt-sim`` command (also ``python -m slrt_sim``).

One module per subcommand, each with ``add_parser(subparsers)`` and registered here
directly: ``scenarios``, ``validate``, ``run``, ``sweep``, ``cards``, ``calibrate``, ``lab``, ``serve`` (whose options
are the server's own, parsed by :class:`slrt_sim.server.app.SlrtVoila`: whatever follows ``serve``
goes there untouched). A user's mistake (bad
scenario, bad option, an output folder that cannot be written, an unreachable scheduler)
prints one line to stderr and exits with code 2; no traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from slrt_sim import i18n
from slrt_sim.cli import calibrate, cards, lab, run, scenarios, serve, sweep, validate
from slrt_sim.cli.common import EXIT_USER_ERROR, UserError
from slrt_sim.domain.scenario import ScenarioError
from slrt_sim.experiments import ExperimentError
from slrt_sim.i18n import t

SUBCOMMANDS = (scenarios, validate, run, sweep, cards, calibrate, serve, lab)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="slrt-sim", description=t("cli.description"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=t("cli.help.lang"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(sub)
    return parser


def _preparse_lang(argv: Sequence[str]) -> None:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv) and argv[i + 1] in i18n.LANGUAGES:
            i18n.set_language(argv[i + 1])
        elif a.startswith("--lang=") and a.split("=", 1)[1] in i18n.LANGUAGES:
            i18n.set_language(a.split("=", 1)[1])


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _preparse_lang(argv)
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USER_ERROR
    if rest and not getattr(args, "passthrough", False):
        parser.error(t("cli.err.unknown_args", args=" ".join(rest)))
    args.rest = rest
    try:
        return int(args.func(args) or 0)
    except (ScenarioError, UserError, ExperimentError) as exc:
        print(f"{t('cli.error')}: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into head
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
