"""``slrt-sim validate FILE``: check a scenario file and say what it describes."""
from __future__ import annotations

import argparse

from slrt_sim.cli.common import load_with_options
from slrt_sim.i18n import fmt_num, t


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help=t("cli.help.validate"))
    p.add_argument("file", help=t("cli.help.file"))
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE", help=t("cli.help.set"))
    p.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    s = load_with_options(args.file, args.set, None, None)
    villages = s.region.villages()
    print(t("cli.validate.ok", file=args.file, name=s.name, kecamatan=len(s.region.kecamatan),
            villages=len(villages), households=fmt_num(s.region.n_households, 0)))
    return 0
