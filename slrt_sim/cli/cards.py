"""``slrt-sim cards FILE``: printable back-office case cards and their answer sheet."""
from __future__ import annotations

import argparse

from slrt_sim.cli.common import UserError, load_with_options, writable_folder
from slrt_sim.i18n import t


def add_parser(sub) -> None:
    p = sub.add_parser("cards", help=t("cards.help"), description=t("cards.help"))
    p.add_argument("file", help=t("cards.help.file"))
    p.add_argument("--n", type=int, default=30, help=t("cards.help.n"))
    p.add_argument("--seed", type=int, default=None, help=t("cards.help.seed"))
    p.add_argument("--out", default="out/kartu", metavar="DIR", help=t("cards.help.out"))
    p.add_argument("--level", default="sedang", help=t("cards.help.level"))
    p.add_argument("--format", choices=("html", "pdf"), default="html", help=t("cards.help.format"))
    p.set_defaults(func=cmd_cards)


def cmd_cards(args: argparse.Namespace) -> int:
    from slrt_sim.training import back_office as bo
    from slrt_sim.training.cards import ANSWERS_FILE, CARDS_FILE, MAX_CARDS, make_cards

    if args.level not in bo.LEVELS:
        raise UserError(t("cards.err.level", level=args.level, levels=", ".join(bo.LEVELS)))
    if args.format == "pdf":
        raise UserError(t("cards.err.pdf"))
    if not 1 <= args.n <= MAX_CARDS:
        raise UserError(t("cards.err.n", n=args.n))
    scenario = load_with_options(args.file, None, None, None)
    out = writable_folder(args.out, "cards.err.out")
    try:
        cards, answers, _queue = make_cards(scenario, args.n, args.seed, args.level)
    except bo.PopulationTooSmall:
        raise UserError(t("cards.err.small", n=args.n)) from None
    (out / CARDS_FILE).write_text(cards, encoding="utf-8")
    (out / ANSWERS_FILE).write_text(answers, encoding="utf-8")
    print(t("cards.written", n=args.n, cards=out / CARDS_FILE, answers=out / ANSWERS_FILE))
    return 0
