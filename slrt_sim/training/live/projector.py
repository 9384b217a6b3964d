"""What the projector shows of a live kelurahan: queues, households waiting, needs met, complaints,
the DTKS's errors and a few households' journeys, read from the game's model and event log.

:func:`state` returns numbers and catalogue keys only (the page renders them, in either language:
:func:`labels`). Counts of needs met and complaints are since the desks opened.
"""
from __future__ import annotations

from slrt_sim.experiments.results import database_errors
from slrt_sim.i18n import t

LABELS = ("live.proj.day", "live.proj.queue", "live.proj.waiting", "live.proj.met", "live.proj.complaints",
          "live.proj.exclusion", "live.proj.inclusion", "live.proj.journeys", "live.proj.utilisation")
COMPLAINTS = ("complaint_delivery", "complaint_rejected", "complaint_followup")
"""Event-log steps counted as complaints."""
JOURNEYS = 3
"""How many households' journeys the projector follows (the first asked of a live desk)."""


def labels(lang: str | None = None) -> dict[str, str]:
    """The projector's labels and the desks' names, in ``lang`` (default: the current language)."""
    from slrt_sim.model.desks import ROLES
    out = {k: t(k, lang=lang) for k in LABELS}
    out.update({f"live.desk.{r}": t(f"live.desk.{r}", lang=lang) for r in ROLES})
    return out


def since(game, start: float | None = None) -> list[tuple]:
    """The event log's rows from the desks' opening (or ``start``) on."""
    t0 = game.live_start if start is None else start
    return [r for r in game.log if r[3] >= t0]


def household_name(game, hh: int) -> str:
    """The name of the household's head (as the role plays name people), ``""`` without people."""
    members = getattr(game.population, "members", None)
    if not callable(members):
        return ""
    from slrt_sim.training.core import person_name
    head = members(hh).iloc[0]
    return person_name(str(head.first_name), str(head.last_name))


def journeys(game, n: int = JOURNEYS) -> list[dict]:
    """The first ``n`` households asked of a live desk, each with its rows of the event log."""
    chosen: list[int] = []
    for d in game.desks.decisions:
        if d.point != "choose_visit" and d.hh not in chosen:
            chosen.append(d.hh)
        if len(chosen) == n:
            break
    rows = since(game)
    return [{"hh": hh, "name": household_name(game, hh), "steps": [{"day": r[3], "step": r[2], "actor": r[5], "need": r[6], "program": r[7]}
                                 for r in rows if r[0] == hh]} for hh in chosen]


def state(game) -> dict:
    """The projector's numbers now (see the module docstring)."""
    m, desks, cal = game.model, game.desks, game.cal
    hh = m.households
    rows = since(game)
    worked = cal.working_minutes(game.live_start, game.now) or 1.0
    exclusion, inclusion = database_errors(hh.in_dtks(), hh.arr["true_decile"], m.s.database.max_decile)
    ex0, in0 = database_errors(hh.dtks_start[0], hh.arr["true_decile"], m.s.database.max_decile)
    return {
        "now": game.now, "date": cal.date_of(game.now).isoformat(),
        "progress": min(1.0, (game.now - game.live_start) / max(1e-9, game.horizon - game.live_start)),
        "queues": {role: desks.waiting(role) for role in desks.queues},
        "desks": [{"desk": s.name, "role": s.role, "player": s.player, "busy": s.current is not None,
                   "served": s.served, "utilisation": min(1.0, s.busy / worked)} for s in desks.seats.values()],
        "waiting": int(m.ledger.counts["in_process"] + m.ledger.counts["waiting_quota"]),
        "met": sum(1 for r in rows if r[2] == "served"),
        "complaints": sum(1 for r in rows if r[2] in COMPLAINTS),
        "exclusion": float(exclusion), "inclusion": float(inclusion), "exclusion_start": float(ex0),
        "inclusion_start": float(in0),
        "journeys": journeys(game),
    }
