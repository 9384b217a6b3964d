"""``slrt-sim serve``: serve every notebook to a class with Voila (what ``make app`` runs).

The options (``--host``, ``--port``, ``--db``, ``--dry-run``, Voila's after ``--``...) are
those of :mod:`slrt_sim.serve` (also ``python -m slrt_sim.serve``), which parses them
itself: :func:`slrt_sim.cli.main` hands everything after ``serve`` to :func:`main`, and
:func:`add_parser` only lists the subcommand in ``slrt-sim --help``.
"""
from __future__ import annotations

from typing import Sequence

from slrt_sim.i18n import t


def add_parser(subparsers) -> None:
    subparsers.add_parser("serve", help=t("cli.help.serve"), add_help=False)


def arguments(argv: Sequence[str]) -> list[str] | None:
    """The arguments after ``serve`` if that is the subcommand (a global ``--lang`` may come first)."""
    i = 0
    while i < len(argv) and argv[i].startswith("--lang"):
        i += 1 if "=" in argv[i] else 2
    return list(argv[i + 1:]) if i < len(argv) and argv[i] == "serve" else None


def main(argv: Sequence[str]) -> int:
    from slrt_sim import serve

    return serve.main(list(argv), prog="slrt-sim serve")
