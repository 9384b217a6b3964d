"""The debrief of a live kelurahan: the team's game against the same arrivals played by the rules.

:func:`debrief` plays the game's configuration again with every desk empty (played by the rules at
the empty desk's pace, ``rules_minutes``: what the kelurahan would have done had nobody sat at the
desks), on the same seed: common random numbers, so the same households arise, walk in and are
served for the same times; only the desks' answers and their times differ. Then, side by side:

* what each achieved since the desks opened (:func:`outcomes`): needs met, complaints, households
  still waiting, the DTKS's exclusion and inclusion error at the end;
* where the time went (:func:`desk_rows`): per desk, decisions, utilisation and the mean wait of a
  decision for the desk (asked -> offered), in working minutes;
* which needs were missed (met by the rules, not by the team) or helped where the rules did not,
  and why (:func:`differences`): the team's answers on that case that differ from the rules' (a
  home visit's recording as the decile it entered against the decile the visit measured, when
  its mistakes moved it), else
  the desks' time (``live.why.slower`` / ``live.why.faster``: the team's desks were slower or
  faster than the rules' for that case);
* each player's accuracy and speed (:func:`player_rows`): answers, the share equal to the rules',
  answers the rules gave because the player was late, the mean working minutes to answer (and the
  wall seconds they stand for at the game's speed), and the home visits whose recording moved the
  decile from what the visit measured (``moved``: what a careless or biased fasilitator put in the
  DTKS).

Cases are matched by their id: a background case's id is the same in every run of a seed.
Everything returned is numbers and catalogue keys (``live.why.*``), ready for a page or an export.
"""
from __future__ import annotations

from statistics import mean

from slrt_sim.experiments.results import database_errors
from slrt_sim.training.live.game import Game
from slrt_sim.training.live.projector import COMPLAINTS, since


def outcomes(game: Game) -> dict:
    """What a game achieved since the desks opened."""
    m = game.model
    rows = since(game)
    exclusion, inclusion = database_errors(m.households.in_dtks(), m.households.arr["true_decile"],
                                           m.s.database.max_decile)
    return {"met": sum(1 for r in rows if r[2] == "served"),
            "complaints": sum(1 for r in rows if r[2] in COMPLAINTS),
            "waiting": int(m.ledger.counts["in_process"] + m.ledger.counts["waiting_quota"]),
            "decisions": len(game.desks.decisions),
            "exclusion": float(exclusion), "inclusion": float(inclusion)}


def desk_rows(game: Game) -> list[dict]:
    """Per desk: its player, decisions, utilisation and the mean wait of its role's decisions."""
    cal = game.cal
    worked = cal.working_minutes(game.live_start, game.now) or 1.0
    out = []
    for s in game.desks.seats.values():
        waits = [cal.working_minutes(d.asked, d.offered) for d in game.desks.decisions
                 if d.seat == s.name and d.offered is not None]
        out.append({"desk": s.name, "role": s.role, "player": s.player, "decisions": s.served,
                    "utilisation": min(1.0, s.busy / worked), "wait_minutes": mean(waits) if waits else 0.0})
    return out


def player_rows(game: Game) -> list[dict]:
    """Each player's decisions offered, answered and left to the rules (late), speed, and
    accuracy: the share of the answers with one right value (``marked``) that equal the rules'
    (``right``). Whom a fasilitator chose to visit counts as answered but is never marked
    (:attr:`slrt_sim.model.desks.Decision.graded`)."""
    cal = game.cal
    out = []
    for player in game.config.players():
        seats = {s.name for s in game.desks.seats.values() if s.player == player}
        ds = [d for d in game.desks.decisions if d.seat in seats and d.answer is not None]
        own = [d for d in ds if d.by == player]
        marked = [d for d in own if d.graded]
        right = sum(d.correct for d in marked)
        out.append({"player": player, "desks": sorted(seats), "offered": len(ds), "answered": len(own),
                    "late": sum(1 for d in ds if d.by == "rules_late"), "marked": len(marked), "right": right,
                    "accuracy": right / len(marked) if marked else 0.0,
                    "minutes": mean(cal.working_minutes(d.offered, d.answered) for d in own) if own else 0.0})
        out[-1]["seconds"] = out[-1]["minutes"] / cal.minutes_per_day * game.config.seconds_per_day
        out[-1]["moved"] = sum(1 for d in own if d.form and d.value is not None and d.value != d.key_value)
    return out


def _served(game: Game) -> dict[int, tuple]:
    return {r[1]: r for r in since(game) if r[2] == "served"}


def _why(game: Game, case: int, otherwise: str) -> list[dict]:
    """The team's answers on ``case`` that differ from the rules' (``otherwise`` if none: the time
    the desks took, slower or faster than the rules)."""
    wrong = []
    for d in game.desks.decisions:
        if d.case != case or d.answer is None or d.correct:
            continue
        if d.form:  # a home visit's recording: the decile it entered against the visit's measurement
            if d.value is not None and d.value != d.key_value:
                wrong.append({"point": d.point, "answer": str(d.value), "key": str(d.key_value), "by": d.by})
            continue
        wrong.append({"point": d.point, "answer": d.answer, "key": d.key, "by": d.by})
    return wrong or [{"point": otherwise}]


def differences(game: Game, ref: Game) -> dict[str, list[dict]]:
    """Needs met by the rules but not by the team (``missed``) and met by the team but not by the
    rules (``helped``), each with its household, need, the team's last step on it and why."""
    mine, theirs = _served(game), _served(ref)
    last: dict[int, tuple] = {}
    for r in game.log:
        last[r[1]] = r

    def row(case: int, r: tuple, otherwise: str) -> dict:
        end = last.get(case, r)
        return {"case": case, "hh": r[0], "need": r[6], "program": r[7], "last_step": end[2],
                "why": _why(game, case, otherwise)}
    return {"missed": [row(c, r, "live.why.slower") for c, r in theirs.items() if c not in mine],
            "helped": [row(c, r, "live.why.faster") for c, r in mine.items() if c not in theirs]}


def debrief(game: Game) -> dict:
    """The whole debrief of an ended game (see the module docstring)."""
    if not game.ended:
        game.end()
    ref = Game(game.config.by_rules(), clock=lambda: 0.0, population=game.population).end(at=game.now)
    return {"team": outcomes(game), "rules": outcomes(ref),
            "desks": desk_rows(game), "rules_desks": desk_rows(ref),
            "players": player_rows(game), **differences(game, ref)}


def table(db: dict, game: str = "") -> list[dict]:
    """The debrief as flat rows for the class's results export (one row per figure): ``section``
    (``outcome``, ``desk``, ``player``, ``missed``, ``helped``), ``name``, ``metric``, ``team`` and,
    for outcomes, ``rules``."""
    rows = [{"game": game, "section": "outcome", "name": "", "metric": k, "team": v, "rules": db["rules"][k]}
            for k, v in db["team"].items()]
    for d in db["desks"]:
        rows += [{"game": game, "section": "desk", "name": d["desk"], "metric": k, "team": d[k], "rules": None}
                 for k in ("decisions", "utilisation", "wait_minutes")]
    for p in db["players"]:
        rows += [{"game": game, "section": "player", "name": p["player"], "metric": k, "team": p[k], "rules": None}
                 for k in ("offered", "answered", "late", "accuracy", "minutes", "seconds")]
    for section in ("missed", "helped"):
        rows += [{"game": game, "section": section, "name": str(r["hh"]), "metric": r["need"],
                  "team": "; ".join(w["point"] for w in r["why"]), "rules": None} for r in db[section]]
    return rows


TEAM_COLUMNS = ("game", "players", "met", "met_rules", "complaints", "complaints_rules", "waiting", "waiting_rules",
                "decisions", "exclusion", "exclusion_rules", "inclusion", "inclusion_rules", "missed", "helped")
"""A team's row in the class's results (:func:`class_rows`): the team's figure, then the rules'."""
PLAYER_COLUMNS = ("game", "player", "desks", "offered", "answered", "late", "accuracy", "minutes", "seconds",
                  "moved")
"""A player's row in the class's results (:func:`class_rows`)."""


def team_row(game: str, db: dict) -> dict:
    """One game's debrief as one row (:data:`TEAM_COLUMNS`)."""
    row = {"game": str(game), "players": ", ".join(p["player"] for p in db.get("players", []))}
    for k in ("met", "complaints", "waiting", "decisions", "exclusion", "inclusion"):
        row[k] = db["team"][k]
        if k != "decisions":
            row[f"{k}_rules"] = db["rules"][k]
    row.update(missed=len(db.get("missed", [])), helped=len(db.get("helped", [])))
    return {c: row[c] for c in TEAM_COLUMNS}


def class_rows(saved: list[dict]) -> tuple[list[dict], list[dict]]:
    """The class's saved debriefs (:meth:`slrt_sim.training.store.SessionStore.debriefs`) as rows,
    one per team (:data:`TEAM_COLUMNS`) and one per player (:data:`PLAYER_COLUMNS`; ``desks`` joined
    with ", "), in the order they were saved."""
    teams, players = [], []
    for s in saved:
        db = s["debrief"]
        teams.append(team_row(s["game"], db))
        for p in db.get("players", []):
            players.append({"game": str(s["game"]), "player": p["player"], "desks": ", ".join(p["desks"]),
                            **{k: p.get(k, 0) for k in PLAYER_COLUMNS[3:]}})
    return teams, players
