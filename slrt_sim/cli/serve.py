"""``slrt-sim serve``: serve every notebook to a class with Voila (what ``make app`` runs).

The options (``--host``, ``--port``, ``--db``, ``--dry-run``, Voila's after ``--``) are those
of :mod:`slrt_sim.serve` (also ``python -m slrt_sim.serve``), which parses them itself:
``slrt_sim.cli.main`` hands everything after ``serve`` to :func:`main`.
"""
from __future__ import annotations

from typing import Sequence


def main(argv: Sequence[str]) -> int:
    from slrt_sim import serve

    return serve.main(list(argv), prog="slrt-sim serve")
