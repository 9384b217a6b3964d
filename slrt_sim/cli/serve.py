"""``slrt-sim serve``: serve every notebook to a class (what ``make app`` runs).

Its options are those of the server, :class:`slrt_sim.server.app.SlrtVoila` (traitlets
aliases: ``--host``, ``--port``, ``--db``, ``--class-size``, ``--class-app``,
``--max-kernels``, ``--max-per-client``, ``--dry-run``, and any ``--Voila.x=…``): the CLI's
parser only names the subcommand and hands the rest over unparsed (:func:`run`), so there is
one parser for them. ``--help`` prints :data:`OPTIONS` from the catalogue.
"""
from __future__ import annotations

from typing import Sequence

from slrt_sim.i18n import t

OPTIONS = (("--host", "serve.cli.host"), ("--port", "serve.cli.port"), ("--db", "serve.cli.db"),
           ("--class-size", "serve.cli.class_size"), ("--class-app", "serve.cli.class_app"),
           ("--max-kernels", "serve.cli.max_kernels"), ("--max-per-client", "serve.cli.max_per_client"),
           ("--dry-run", "serve.cli.dry_run"), ("FOLDER", "serve.cli.notebooks"), ("--Voila.…", "serve.cli.voila_args"))


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("serve", help=t("cli.help.serve"), add_help=False)
    p.set_defaults(func=run, passthrough=True)


def usage() -> str:
    lines = [t("serve.cli.usage"), "", t("serve.cli.description"), ""]
    lines += [f"  {name:<16} {t(key)}" for name, key in OPTIONS]
    return "\n".join(lines)


def run(args) -> int:
    rest: Sequence[str] = args.rest
    if any(a in ("-h", "--help", "--help-all") for a in rest):
        print(usage())
        return 0
    from slrt_sim.server.app import main

    return main(list(rest))
