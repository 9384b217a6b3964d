"""The live kelurahan's pages against a real lobby, in process (no server): the trainee's desk
(:mod:`slrt_sim.apps.live_desk`) and the trainer's start form, projector and debrief
(:mod:`slrt_sim.apps.live_projector`), through the kernels' in-process client."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from slrt_sim.apps.live_client import Local, LiveError
from slrt_sim.i18n import t
from slrt_sim.training.live.lobby import Lobby


class Clock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def world(tmp_path):
    from slrt_sim.training.store import SessionStore

    store = SessionStore(tmp_path / "s.sqlite")
    store.create_class("W1", 2018, "sulit")
    clock = Clock()
    return store, clock, Local(Lobby(clock))


def desk(world, name, team, role):
    from slrt_sim.apps.live_desk import LiveDeskApp

    store, _clock, live = world
    app = LiveDeskApp(live, store=store)
    assert app.login_box.submit(name, "W1")
    assert app.sit(team, role)
    return app


def test_the_client_joins_and_refuses_in_one_line(world):
    _store, _clock, live = world
    assert live.join("Ani", 1, "fo") == {"game": None, "team": 1, "role": "fo"}
    assert live.roster()["roster"] == {"Ani": [1, "fo"]}
    with pytest.raises(LiveError, match="desk 'cook'"):
        live.join("Ani", 1, "cook")
    with pytest.raises(LiveError) as exc:
        live.start({"seconds_per_day": 0}, n_teams=1)
    assert "seconds_per_day" in str(exc.value) and "\n" not in str(exc.value)


def test_a_desk_waits_then_answers_and_says_what_it_did(world):
    _store, clock, live = world
    fo = desk(world, "Ani", 1, "fo")
    assert fo.status.value == t("live.ui.waiting_start") and fo.answers.children == ()
    assert fo.sit_btn.layout.height is None  # the CSS sizes it (>= 40 px)
    games = live.start({"days": 10, "seconds_per_day": 60}, n_teams=1)
    assert games == ["1"] and live.lobby.games["1"].config.desks[0] == ("fo", "Ani")
    for _ in range(200):
        clock.t += 2.0
        fo.refresh()
        if fo.current is not None:
            break
    d = fo.current
    assert d is not None and d["point"] == "register"
    # the household's story: the point, the head's name, the members; never its true decile
    assert t("live.point.register") in fo.card.value and t("live.ui.members") in fo.members.value
    assert "true_decile" not in fo.card.value and t("live.ui.need") in fo.card.value
    labels = [b.description for b in fo.answers.children[1:]]
    assert labels == [t("live.answer.record"), t("live.answer.close_info")]
    assert t("live.ui.team_queue") in fo.queue.value and t("live.desk.bo") in fo.queue.value
    assert fo.choose("record")
    assert t("live.did.record") in fo.did.value and t("live.answer.record") in fo.did.value
    assert live.lobby.games["1"].answers[-1][1:] == (d["id"], "record", "Ani")
    assert fo.current is None or fo.current["id"] != d["id"]


def test_a_decision_left_too_long_is_taken_by_the_rules_and_the_page_says_so(world):
    _store, clock, live = world
    fo = desk(world, "Budi", 1, "fo")
    live.start({"days": 10, "seconds_per_day": 60, "answer_minutes": 30}, n_teams=1)
    while fo.current is None:
        clock.t += 2.0
        fo.refresh()
    first = fo.current["id"]
    while fo.current is not None and fo.current["id"] == first:
        clock.t += 5.0  # 30 working minutes are 3.75 s at 60 s a day
        fo.refresh()
    assert fo.did.value == f"<p>{t('live.answer.late')}</p>"
    assert live.lobby.games["1"].desks.decisions[first].by == "rules_late"


def test_two_players_of_one_team_and_one_of_another_get_their_own_games(world):
    _store, clock, live = world
    a, b, c = desk(world, "Ani", 1, "fo"), desk(world, "Budi", 1, "bo"), desk(world, "Citra", 2, "manager")
    assert live.start({"days": 5}, n_teams=2) == ["1", "2"]
    assert live.lobby.game_of("Ani") == live.lobby.game_of("Budi") == "1" and live.lobby.game_of("Citra") == "2"
    assert dict(live.lobby.games["2"].config.desks)["fo"] is None  # nobody took it: played by the rules
    for _ in range(3):
        clock.t += 1.0
        for app in (a, b, c):
            app.refresh()
    assert a.game == b.game == "1" and c.game == "2"
    assert a.seat_box.layout.display == "none"


def test_the_trainer_starts_from_the_roster_projects_and_ends_with_a_debrief(world, monkeypatch):
    from slrt_sim.apps.live_projector import LiveProjector, debrief_csv
    from slrt_sim.training import dashboard as dash

    store, clock, live = world
    monkeypatch.setenv(dash.PIN_ENV, "4321")
    fo, bo = desk(world, "Ani", 1, "fo"), desk(world, "Budi", 1, "bo")
    proj = LiveProjector(live, store=store)
    assert not proj.unlock("1111") and t("dash.pin.wrong") in proj.pin_msg.value and proj.main.children == ()
    assert proj.unlock("4321")
    assert "Ani" in proj.roster.value and "Budi" in proj.roster.value and proj.n_teams.value == 1
    proj.days.value, proj.speed.value = 5, 60
    assert proj.start() == ["1"] and live.lobby.games["1"].config.days == 5.0
    answered = 0
    for _ in range(60):
        clock.t += 2.0
        for app in (fo, bo):
            app.refresh()
            if app.current is not None:
                answered += app.choose(app.current["options"][0])
    proj.refresh()
    for label in ("live.proj.waiting", "live.proj.met", "live.proj.exclusion", "live.proj.journeys"):
        assert t(label) in proj.view.value
    assert "Ani" in proj.view.value and t("live.ui.nobody") in proj.view.value  # the manager's desk: the rules
    db = proj.end()
    assert db is not None and answered > 0
    assert {p["player"]: p["answered"] for p in db["players"]} == {
        p: sum(1 for a in live.lobby.games["1"].answers if a[3] == p) for p in ("Ani", "Budi")}
    assert t("live.debrief.team") in proj.debrief.value and t("live.debrief.missed") in proj.debrief.value
    assert "download=\"debrief-game-1.csv\"" in proj.debrief.value and proj.view.value == ""
    assert debrief_csv("1", db).decode().startswith("game,section,name,metric,team,rules")
    fo.refresh()
    assert fo.status.value == t("live.ui.ended")
    assert t("live.ui.nothing") not in fo.card.value  # no "wait a moment" once the game has ended


def test_every_step_of_the_event_log_reads_as_a_sentence_on_the_projector():
    from slrt_sim.apps.live_projector import step_text
    from slrt_sim.i18n import catalogue

    steps = {k.split(".")[2] for k in catalogue() if k.startswith(("oc.step.", "live.jstep."))}
    for step in steps:
        text = step_text({"step": step, "need": "food", "program": "PKH"})
        assert "{" not in text and "()" not in text and "?" not in text, (step, text)
    assert step_text({"step": "closed_ineligible", "need": "food"}) == t("live.jstep.closed_ineligible",
                                                                          need=t("need.food"))


def test_a_late_joiner_is_told_and_gets_a_game_of_their_own(world):
    _store, clock, live = world
    desk(world, "Ani", 1, "fo")
    assert live.start({"days": 5}, n_teams=3) == ["1"]  # teams 2 and 3: nobody chose them, no game
    late = desk(world, "Dewi", 1, "bo")
    assert late.status.value == t("live.ui.late_join")
    assert live.start({"days": 5}, n_teams=1) == ["2"]
    assert live.lobby.games["2"].config.players() == ["Dewi"]
    clock.t += 1.0
    late.refresh()
    assert late.game == "2"


def test_one_poller_keeps_polling_through_a_failed_poll_and_stops():
    from slrt_sim.apps.live_client import Poller

    calls = []

    def poll():
        calls.append(len(calls))
        if len(calls) == 1:
            raise RuntimeError("a busy server")

    poller = Poller(poll, 0.01)

    async def run():
        assert poller.start() and poller.start() and poller.running  # a second start keeps the one loop
        await asyncio.sleep(0.2)
        poller.stop()
        seen = len(calls)
        await asyncio.sleep(0.05)
        return seen

    def in_a_fresh_thread():  # a thread of its own: no event loop of an earlier test (Playwright's) runs in it
        assert poller.start() is False and not poller.running  # no running loop: the tests poll by hand
        return asyncio.run(run())

    with ThreadPoolExecutor(1) as pool:
        seen = pool.submit(in_a_fresh_thread).result(timeout=30)
    assert seen >= 3 and len(calls) == seen and not poller.running


def test_the_desk_and_the_projector_poll_with_the_shared_poller():
    from slrt_sim.apps.live_client import Poller
    from slrt_sim.apps.live_desk import LiveDeskApp
    from slrt_sim.apps.live_projector import LiveProjector

    live = Local()
    desk, proj = LiveDeskApp(live, refresh_seconds=0.5), LiveProjector(live, refresh_seconds=0.7)
    assert isinstance(desk.poller, Poller) and desk.poller.poll == desk.refresh and desk.poller.seconds == 0.5
    assert isinstance(proj.poller, Poller) and proj.poller.poll == proj.poll and proj.poller.seconds == 0.7


def test_the_start_form_plans_the_minutes_and_the_answer_time_and_the_games_end_by_themselves(world, monkeypatch):
    import html

    from slrt_sim.apps.live_projector import LiveProjector, working_days
    from slrt_sim.training import dashboard as dash

    store, clock, live = world
    monkeypatch.setenv(dash.PIN_ENV, "4321")
    ani, budi = desk(world, "Ani", 1, "fo"), desk(world, "Budi", 2, "bo")
    proj = LiveProjector(live, store=store)
    assert proj.unlock("4321")
    # the default: 30 simulated days, 22 working days of the training kelurahan's calendar, in 20 minutes
    assert working_days(proj.scenario.value, 30) == (22, 480.0)
    assert (proj.days.value, proj.speed.value, proj.answer_s.value) == (30, 55, 20)
    assert html.unescape(proj.plan.value) == "<p>" + t("live.ui.plan", days=30, workdays=22, minutes="20", answer=20) + "</p>"
    proj.days.value, proj.speed.value, proj.answer_s.value = 5, 10, 30
    workdays, _ = working_days(proj.scenario.value, 5)
    assert t("live.ui.plan", days=5, workdays=workdays, minutes=f"{workdays * 10 / 60:.0f}", answer=30) in \
        html.unescape(proj.plan.value)
    assert proj.start() == ["1", "2"]
    assert live.lobby.games["1"].config.answer_minutes == 30 / 10 * 480  # 30 wall seconds at 10 s a working day
    while ani.current is None:
        clock.t += 0.5
        ani.refresh()
        budi.refresh()
    assert 25 <= ani.current["seconds_left"] <= 30
    clock.t += 10 * workdays + 10  # the games' time is up: the projector's next poll ends them all
    proj.poll()
    assert set(proj.debriefs) == {"1", "2"} and proj.msg.value == f"<p>{t('live.ui.time_up')}</p>"
    assert proj.view.value == "" and t("live.debrief.missed") in proj.debrief.value
    assert proj.end_btn.layout.display == "none"
    for app in (ani, budi):
        app.refresh()
        assert app.status.value == t("live.ui.ended")


def test_the_debrief_opens_with_what_the_team_did_against_the_rules():
    from slrt_sim.apps.live_projector import debrief_html, summary_lines

    out = {"met": 4, "complaints": 0, "waiting": 62, "decisions": 220, "exclusion": 0.35, "inclusion": 0.26}
    db = {"team": out, "rules": {**out, "met": 5},
          "players": [{"player": "Ani", "offered": 30, "answered": 10, "late": 20, "marked": 10, "right": 5,
                       "accuracy": 0.5, "seconds": 9.0},
                      {"player": "Budi", "offered": 10, "answered": 10, "late": 0, "marked": 6, "right": 6,
                       "accuracy": 1.0, "seconds": 4.0}],
          "desks": [{"role": "fo", "player": "Ani", "decisions": 30, "utilisation": 0.3, "wait_minutes": 46.0},
                    {"role": "manager", "player": None, "decisions": 9, "utilisation": 0.4, "wait_minutes": 87.4}],
          "missed": [{"hh": 888, "need": "documents", "why": [{"point": "live.why.slower"}]}], "helped": []}
    assert summary_lines(db) == [
        t("live.sum.met", team=4, rules=5, waiting=62, rules_waiting=62, verdict=t("live.sum.worse")),
        t("live.sum.answers", offered=40, answered=20, late=20, right=11, marked=16),  # Ani 5 of 10, Budi 6 of 6
                                                                                  # (his 4 visit choices unmarked)
        t("live.sum.slowest", desk=t("live.desk.manager"), player=t("live.ui.nobody"), minutes="87"),
        t("live.sum.cases", missed=1, helped=0)]
    assert "slrt-live-summary" in debrief_html("1", db)


def test_a_late_joiners_game_runs_on_when_the_first_games_time_is_up(world, monkeypatch):
    from slrt_sim.apps.live_projector import CHECK_EVERY, LiveProjector, working_days
    from slrt_sim.training import dashboard as dash

    store, clock, live = world
    monkeypatch.setenv(dash.PIN_ENV, "4321")
    desk(world, "Ani", 1, "fo")
    proj = LiveProjector(live, store=store)
    assert proj.unlock("4321")
    proj.days.value, proj.speed.value = 5, 10
    assert proj.start() == ["1"]
    workdays, _ = working_days(proj.scenario.value, 5)
    clock.t += 10 * workdays / 2
    desk(world, "Dewi", 1, "bo")
    assert proj.start() == ["2"] and proj.choose.value == "2"  # the late joiner's game is shown
    clock.t += 10 * workdays / 2 + 10  # the first game's time is up, not the second's
    for _ in range(CHECK_EVERY):
        proj.poll()
    assert set(proj.debriefs) == {"1"} and not live.lobby.games["2"].ended
    assert proj.msg.value == f"<p>{t('live.ui.time_up')}</p>" and proj.view.value  # game 2 still on screen
