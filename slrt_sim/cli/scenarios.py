"""``slrt-sim scenarios``: the bundled scenarios, one line each (their names work wherever a
scenario file is asked for: ``slrt-sim run pekalongan``, :func:`slrt_sim.cli.common.scenario_path`)."""
from __future__ import annotations

from slrt_sim.cli.common import bundled_scenarios
from slrt_sim.i18n import t


def add_parser(sub) -> None:
    p = sub.add_parser("scenarios", help=t("cli.help.scenarios"))
    p.set_defaults(func=cmd_scenarios)


def cmd_scenarios(args) -> int:
    names = list(bundled_scenarios())
    width = max(map(len, names), default=0)
    for name in names:
        print(f"{name:<{width}}  {t('scenario.desc.' + name)}")
    print()
    print(t("cli.scenarios.how"))
    return 0
