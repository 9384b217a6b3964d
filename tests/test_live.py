"""The live kelurahan's engine: bots play whole short games; replays; queues; empty desks; debrief.

Games here are 30 simulated days of the training kelurahan after its 28-day warm-up (a few hundredths of a second of
model each, after the class population is made once)."""
from __future__ import annotations

import pytest

from slrt_sim.i18n import t
from slrt_sim.model.decisions import Rules
from slrt_sim.model.desks import ROLES, LiveDesks
from slrt_sim.training.live.bots import Bot, team
from slrt_sim.training.live.debrief import debrief, table
from slrt_sim.training.live.game import Game, GameConfig
from slrt_sim.training.live.projector import labels

ALL = (("fo", "Ani"), ("bo", "Budi"), ("manager", "Citra"), ("fasilitator", "Dewi"), ("supervisor", "Eko"))


def config(desks=ALL, **kw) -> GameConfig:
    return GameConfig(days=kw.pop("days", 30), desks=desks, **kw)


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def bot_game(minutes=20.0, accuracy=0.8, desks=ALL, **kw) -> Game:
    cfg = config(desks, **kw)
    return Game(cfg, clock=lambda: 0.0, bots=team(cfg, minutes, accuracy, seed=3)).play()


def test_bots_play_a_whole_game_and_every_desk_is_asked():
    g = bot_game()
    roles = {d.role for d in g.desks.decisions}
    assert roles == set(ROLES)
    assert all(d.answer is not None for d in g.desks.decisions if d.offered is not None
               and g.cal.working_minutes(d.offered, g.now) > g.config.answer_minutes)
    by = {d.by for d in g.desks.decisions if d.answer is not None}
    assert by <= {p for _, p in ALL}  # bots at 20 minutes always beat the desk's 120
    wrong = [d for d in g.desks.decisions if d.answer is not None and not d.correct]
    assert 0 < len(wrong) < len(g.desks.decisions) / 2  # 80% accuracy


def test_the_same_seed_and_answers_give_the_same_event_log():
    g = bot_game()
    again = bot_game()
    assert again.log == g.log and again.answers == g.answers
    replayed = Game.replay(g.config, g.answers, population=g.population)
    assert replayed.log == g.log
    assert [(d.id, d.answer, d.by) for d in replayed.desks.decisions] == \
        [(d.id, d.answer, d.by) for d in g.desks.decisions]


def test_a_replay_with_one_answer_changed_differs():
    g = bot_game(accuracy=1.0)
    i = next(i for i, a in enumerate(g.answers) if g.desks.decisions[a[1]].point == "register")
    tm, did, _, player = g.answers[i]
    changed = g.answers[:i] + [(tm, did, "close_info", player)]
    other = Game.replay(g.config, changed, population=g.population)
    case = g.desks.decisions[did].case
    assert ("closed_info" in [r[2] for r in other.log if r[1] == case])
    assert other.log != g.log


def test_a_slower_team_makes_longer_queues():
    fast, slow = bot_game(minutes=10), bot_game(minutes=110)

    def mean_wait(g):
        waits = [g.cal.working_minutes(d.asked, d.offered) for d in g.desks.decisions if d.offered is not None]
        return sum(waits) / len(waits)
    assert mean_wait(slow) > 3 * mean_wait(fast)
    assert sum(s.busy for s in slow.desks.seats.values()) > sum(s.busy for s in fast.desks.seats.values())


def test_a_desk_with_no_player_is_played_by_the_rules_slowly():
    desks = (("fo", "Ani"), ("bo", None))
    g = bot_game(desks=desks)
    bo = [d for d in g.desks.decisions if d.role == "bo" and d.answer is not None]
    assert bo and all(d.by == "rules" and d.correct for d in bo)
    assert all(abs(g.cal.working_minutes(d.offered, d.answered) - g.config.rules_minutes) < 1e-6 for d in bo)
    # roles with no desk at all (manager, fasilitator, supervisor) are one empty desk each
    assert {s.name for s in g.desks.seats.values()} == {"fo1", "bo1", "manager", "fasilitator", "supervisor"}


def test_a_player_who_does_not_answer_is_answered_by_the_rules_at_the_desks_time():
    clock = FakeClock()
    g = Game(config((("fo", "Ani"),), seconds_per_day=60), clock=clock)
    clock.t = 60.0 * 3  # three working days, nobody answering
    g.advance()
    fo = [d for d in g.desks.decisions if d.role == "fo" and d.answer is not None]
    assert fo and all(d.by == "rules_late" for d in fo)
    assert all(abs(g.cal.working_minutes(d.offered, d.answered) - 120.0) < 1e-6 for d in fo)


def test_a_player_answers_through_the_wall_clock():
    clock = FakeClock()
    g = Game(config((("fo", "Ani"), ("bo", "Budi")), seconds_per_day=60), clock=clock)
    assert g.advance() == g.live_start
    seen = None
    for _ in range(200):
        clock.t += 2.0  # 16 working minutes a step
        mine = g.pending("Ani")
        if mine:
            seen = mine[0]
            break
    assert seen is not None and seen["role"] == "fo" and seen["options"] == ["record", "close_info"]
    assert "key" not in seen
    assert all(p["role"] == "bo" for p in g.pending("Budi"))
    with pytest.raises(ValueError):
        g.answer("Ani", seen["id"], "maybe")
    assert not g.answer("Budi", seen["id"], "record")  # not Budi's desk
    assert g.answer("Ani", seen["id"], "close_info")
    assert not g.answer("Ani", seen["id"], "record")  # answered already
    assert g.answers[-1][1:] == (seen["id"], "close_info", "Ani") and g.answers[-1][0] == g.now
    clock.t += 2.0
    g.advance()
    assert "closed_info" in [r[2] for r in g.log if r[1] == g.desks.decisions[seen["id"]].case]


def test_the_projector_state_and_its_labels():
    clock = FakeClock()
    cfg = config()
    g = Game(cfg, clock=clock, bots=team(cfg, 200, 1.0))  # bots slower than the desk's time
    clock.t = 60.0 * 4
    st = g.state()
    assert st["progress"] == pytest.approx((g.now - g.live_start) / (g.horizon - g.live_start))
    assert set(st["queues"]) == set(ROLES) and len(st["desks"]) == 5
    assert st["waiting"] > 0 and 0 <= st["exclusion"] <= 1 and 0 <= st["inclusion"] <= 1
    assert 1 <= len(st["journeys"]) <= 3 and all(j["steps"] and j["name"] for j in st["journeys"])
    lab = labels("id")
    assert lab["live.proj.queue"] == t("live.proj.queue", lang="id") != t("live.proj.queue", lang="en")


def test_the_debrief_against_the_rules():
    g = bot_game(accuracy=0.6)
    db = debrief(g)
    assert db["rules"]["decisions"] > 0 and db["team"]["decisions"] > 0
    players = {p["player"]: p for p in db["players"]}
    assert set(players) == {p for _, p in ALL}
    assert all(p["answered"] == p["offered"] and abs(p["minutes"] - 20.0) < 1e-6 for p in players.values())
    assert 0.3 < sum(p["accuracy"] * p["answered"] for p in players.values()) / sum(
        p["answered"] for p in players.values()) < 0.9
    for row in db["missed"] + db["helped"]:
        assert row["why"] and row["hh"] >= 0
    rows = table(db, "1")
    met = next(r for r in rows if r["section"] == "outcome" and r["metric"] == "met")
    assert (met["team"], met["rules"]) == (db["team"]["met"], db["rules"]["met"])
    assert sum(r["section"] == "player" for r in rows) == 6 * len(ALL)
    assert all(p["seconds"] == pytest.approx(20.0 / 480 * 60) for p in players.values())  # 20 min at 60 s a day
    assert sum(r["section"] == "missed" for r in rows) == len(db["missed"])
    # a wrong "no referral" or refusal on a case the rules served shows as missed, with that answer as why
    wrong_refusals = [r for r in db["missed"] for w in r["why"] if w["point"] in ("refer", "approve", "register")]
    assert all(w["answer"] != w["key"] for r in wrong_refusals for w in r["why"] if "answer" in w)


def test_the_rules_reference_is_the_game_with_empty_desks():
    # (a fasilitator player visits whom they choose and so finds needs the rules find later: the
    # same arrivals are compared with that desk played by the rules)
    g = bot_game(accuracy=1.0, desks=tuple(x for x in ALL if x[0] != "fasilitator"))
    ref = Game(g.config.by_rules(), clock=lambda: 0.0, population=g.population).end()
    assert all(d.by == "rules" for d in ref.desks.decisions if d.answer is not None)
    # the same arrivals: the same households walk in up to the desks' opening and after it
    walk = lambda game: [(r[0], r[1], r[3]) for r in game.log if r[2] in ("walk_in", "outreach_found")]  # noqa: E731
    assert walk(ref) == walk(g)


def test_rules_answer_every_decision_point_as_before():
    from slrt_sim.domain import programs as P
    rules = Rules(P.DEFAULT_LIMITS, lambda code: True)
    assert rules.register("food") == "record" and rules.approve("PKH") is True
    assert rules.check_verval(5, 3) == 5 and rules.record_verval(7) == 7  # nobody checks: the record stands
    assert not Rules.live and LiveDesks.live


def test_a_bot_chooses_the_same_for_the_same_decision():
    class D:
        id, key, options = 4, "record", ("record", "close_info")
    b = Bot(accuracy=0.5, seed=9)
    assert len({b.choose(D) for _ in range(5)}) == 1
    assert Bot(accuracy=1.0).choose(D) == "record" and Bot(accuracy=0.0).choose(D) == "close_info"
    with pytest.raises(ValueError):
        Bot(minutes=0)


def test_a_lobby_runs_a_class_of_teams_on_one_clock():
    from slrt_sim.training.live.lobby import Lobby

    clock = FakeClock()
    lobby = Lobby(clock)
    teams = [(("fo", "A1"), ("bo", "A2")), (("fo", "B1"), ("bo", "B2"), ("manager", None))]
    cfg = config(days=10)
    ids = lobby.start_class(cfg, teams, bots={"A2": Bot(30, 1.0)})
    assert ids == ["1", "2"] and lobby.game_of("B1") == "2" and lobby.game_of("nobody") is None
    with pytest.raises(ValueError):
        lobby.start_class(cfg, [(("fo", "A1"),)])  # A1 plays already
    assert lobby.games["1"].population is lobby.games["2"].population
    clock.t = 60.0 * 2
    lobby.tick()
    assert lobby.games["1"].now == lobby.games["2"].now > lobby.games["1"].live_start
    bo = [d for d in lobby.games["1"].desks.decisions if d.role == "bo" and d.answer is not None]
    assert bo and all(d.by == "A2" for d in bo)  # the bot at A2's desk answered
    for p in ("A1", "B1"):
        for q in lobby.pending(p):
            assert lobby.answer(p, q["id"], q["options"][0])
    assert lobby.pending("nobody") == [] and not lobby.answer("nobody", 0, "record")
    st = lobby.state("2")
    assert {d["desk"] for d in st["desks"]} == {"fo1", "bo1", "manager1", "fasilitator", "supervisor"}
    db = lobby.end("1")
    assert db["team"]["decisions"] > 0 and lobby.game_of("A1") is None and lobby.game_of("B1") == "2"
    g1 = lobby.games["1"]
    assert g1.ended and g1.now < g1.horizon  # ended where the clock stood
    clock.t = 60.0 * 4
    assert g1.advance() == g1.now and lobby.games["2"].advance() > g1.now  # nothing runs after the end


def test_bad_game_settings_are_named():
    with pytest.raises(ValueError, match="seconds_per_day"):
        GameConfig(seconds_per_day=0)
    with pytest.raises(ValueError, match="kasir"):
        GameConfig(desks=(("kasir", "Ani"),))


def test_the_supervisor_corrects_a_careless_record_on_the_sampled_visits():
    cfg = config((("fasilitator", "Dewi"), ("supervisor", None)), days=60, sample_every=1)
    g = Game(cfg, clock=lambda: 0.0, bots={"Dewi": Bot(20, 0.0, seed=1)}).play()  # every record wrong
    records = [d for d in g.desks.decisions if d.point == "record_verval" and d.answer is not None]
    checks = [d for d in g.desks.decisions if d.point == "check_verval" and d.answer is not None]
    assert records and all(not d.correct for d in records)
    assert len(checks) == len(records) and all(d.by == "rules" and d.answer == d.key for d in checks)
    value = {r.case: r.value for r in records}
    assert all(c.facts["recorded"] == value[c.case] for c in checks)


def test_bots_give_the_same_game_whatever_the_wall_clocks_steps():
    cfg = config(days=10)
    once = Game(cfg, clock=lambda: 0.0, bots=team(cfg, 25, 0.7, seed=5)).play()
    clock = FakeClock()
    stepped = Game(cfg, clock=clock, bots=team(cfg, 25, 0.7, seed=5), population=once.population)
    while stepped.now < stepped.horizon:
        clock.t += 7.3  # uneven steps, about 58 working minutes each
        stepped.advance()
    stepped.end()
    assert stepped.answers == once.answers and stepped.log == once.log


def test_desks_not_yet_open_change_nothing_in_a_run():
    from slrt_sim.model.flow import Model

    g = Game(config(days=10), clock=lambda: 0.0)
    plain = Model(g.scenario, g.population, 0).run()
    late = Model(g.scenario, g.population, 0)
    desks = LiveDesks(late.pathway, late.cal, [], start=g.horizon + 1)  # asked, answering by the rules
    late.pathway.background.policy = desks
    desks.start()
    rec = late.run()
    assert rec.event_log.rows == plain.event_log.rows and desks.decisions == []
