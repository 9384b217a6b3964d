"""The live kelurahan's debrief kept with the class's results: store, per team and per player, exports."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from slrt_sim.training import dashboard as dash
from slrt_sim.training.live.bots import Bot
from slrt_sim.training.live.debrief import class_rows, team_row
from slrt_sim.training.live.game import GameConfig
from slrt_sim.training.live.lobby import Lobby
from slrt_sim.training.store import SessionStore

# a debrief written by hand (the shape :func:`slrt_sim.training.live.debrief.debrief` returns)
DEBRIEF = {
    "team": {"met": 12, "complaints": 3, "waiting": 7, "decisions": 40, "exclusion": 0.25, "inclusion": 0.125},
    "rules": {"met": 15, "complaints": 1, "waiting": 4, "decisions": 38, "exclusion": 0.2, "inclusion": 0.1},
    "desks": [], "rules_desks": [],
    "players": [
        {"player": "Ani", "desks": ["fo1"], "offered": 10, "answered": 8, "late": 2, "accuracy": 0.75,
         "minutes": 30.0, "seconds": 3.75},
        {"player": "Dewi", "desks": ["fasilitator1"], "offered": 4, "answered": 4, "late": 0, "accuracy": 0.5,
         "minutes": 60.0, "seconds": 7.5, "moved": 2},
    ],
    "missed": [{"case": 1, "hh": 5, "need": "food", "program": "BPNT", "last_step": "x", "why": [{"point": "refer"}]},
               {"case": 2, "hh": 6, "need": "health", "program": None, "last_step": "y", "why": [{"point": "live.why.slower"}]}],
    "helped": [{"case": 3, "hh": 7, "need": "food", "program": "BPNT", "last_step": "z", "why": [{"point": "live.why.faster"}]}],
}


@pytest.fixture
def store(tmp_path):
    s = SessionStore(tmp_path / "s.sqlite")
    s.create_class("KLS-L", 4, "sedang")
    s.create_class("OTHER", 4, "sedang")
    for name in ("A1", "A2", "B1"):
        assert s.claim_name("KLS-L", name, "dev-" + name)["status"] == "ok"
    s.claim_name("OTHER", "A1", "dev-x")  # the same name in another class: the majority decides
    return s


def test_a_debrief_as_one_row_per_team_and_per_player():
    row = team_row("2", DEBRIEF)
    assert row == {"game": "2", "players": "Ani, Dewi", "met": 12, "met_rules": 15, "complaints": 3,
                   "complaints_rules": 1, "waiting": 7, "waiting_rules": 4, "decisions": 40, "exclusion": 0.25,
                   "exclusion_rules": 0.2, "inclusion": 0.125, "inclusion_rules": 0.1, "missed": 2, "helped": 1}
    teams, players = class_rows([{"game": "1", "saved_at": 0.0, "debrief": DEBRIEF},
                                 {"game": "2", "saved_at": 1.0, "debrief": DEBRIEF}])
    assert [t["game"] for t in teams] == ["1", "2"]
    assert [(p["game"], p["player"], p["desks"], p["late"], p["accuracy"], p["moved"]) for p in players] == [
        ("1", "Ani", "fo1", 2, 0.75, 0), ("1", "Dewi", "fasilitator1", 0, 0.5, 2),  # (an older debrief: 0)
        ("2", "Ani", "fo1", 2, 0.75, 0), ("2", "Dewi", "fasilitator1", 0, 0.5, 2)]


def test_the_store_keeps_debriefs_per_class_and_finds_a_game_s_class(store):
    store.save_debrief("kls-l", "1", DEBRIEF)
    saved = store.debriefs("KLS-L")
    assert [s["game"] for s in saved] == ["1"] and saved[0]["debrief"]["team"]["met"] == 12
    assert store.debriefs("OTHER") == [] and store.n_debriefs("KLS-L") == 1
    assert store.class_of(["A1", "A2"]) == "KLS-L"  # two of KLS-L's names, one of OTHER's
    assert store.class_of(["nobody"]) is None and store.class_of([]) is None


def test_the_dashboard_shows_and_exports_the_class_s_games(store):
    store.save_debrief("KLS-L", "1", DEBRIEF)
    teams, players = dash.debrief_frames(store, "KLS-L", lang="id")
    assert teams.loc[0, "exclusion"] == 25.0 and teams.loc[0, "inclusion_rules"] == 10.0  # as percentages
    assert list(players["accuracy"]) == [75.0, 50.0]
    assert list(players["desks"]) == ["Front office (FO) 1", "Fasilitator 1"]
    parts = dash.sections(store, "KLS-L")
    assert "Ani, Dewi" in parts["debrief"] and "slrt-dl-live-teams" in parts["export"]
    book = pd.read_excel(io.BytesIO(dash.export_xlsx(dash.results(store, "KLS-L"), live=(teams, players), lang="en")),
                         sheet_name=None)
    assert set(book) >= {"results", "live_teams", "live_players"}
    assert list(book["live_teams"]["Needs met (rules only)"]) == [15]
    assert list(book["live_players"]["Late (the rules answered)"]) == [2, 0]
    csv = dash.export_live_csv(players, dash._PLAYER_HEADERS, lang="id").decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Permainan;Pemain;Meja") and "75,0" in csv
    assert dash.sections(store, "OTHER")["debrief"] == ""  # no game: nothing shown, nothing exported
    assert "slrt-dl-live" not in dash.sections(store, "OTHER")["export"]
    before = dash.fingerprint(store, "KLS-L")
    store.save_debrief("KLS-L", "2", DEBRIEF)
    assert dash.fingerprint(store, "KLS-L") != before  # the dashboard redraws for a new debrief


def test_an_ended_game_s_debrief_is_saved_with_its_players_class(store):
    lobby = Lobby(lambda: 0.0, store=store)
    cfg = GameConfig(days=3)
    lobby.start_class(cfg, [(("fo", "A1"), ("bo", "A2"))], bots={"A1": Bot(20, 1.0), "A2": Bot(20, 0.5, seed=2)})
    lobby.start_class(cfg, [(("fo", "Z9"),)], class_code="OTHER")
    db = lobby.end("1")
    saved = store.debriefs("KLS-L")
    assert len(saved) == 1 and saved[0]["game"] == "1"
    assert saved[0]["debrief"]["team"] == db["team"] and saved[0]["debrief"]["players"] == db["players"]
    lobby.end("2")
    assert [s["game"] for s in store.debriefs("OTHER")] == ["2"]  # the class the trainer named
    assert lobby.end("1")["team"] == db["team"] and len(store.debriefs("KLS-L")) == 1  # ended again: kept once


def test_a_store_that_refuses_does_not_stop_the_debrief(store, monkeypatch):
    def refuse(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr(store, "save_debrief", refuse)
    lobby = Lobby(lambda: 0.0, store=store)
    lobby.start_class(GameConfig(days=2), [(("fo", "A1"),)])
    assert lobby.end("1")["team"]["decisions"] >= 0


def test_the_desk_pages_class_names_the_game_s_class(store):
    lobby = Lobby(lambda: 0.0, store=store)
    for name in ("P1", "P2"):  # names nobody claimed (a login on the trainer's own machine)
        lobby.join(name, 1, "fo" if name == "P1" else "bo", class_code="OTHER")
    lobby.start_class(GameConfig(days=2), lobby.teams(1))
    lobby.end("1")
    assert [s["game"] for s in store.debriefs("OTHER")] == ["1"] and store.debriefs("KLS-L") == []


def test_the_class_server_s_lobby_keeps_debriefs_in_the_class_s_store(tmp_path, monkeypatch):
    import types

    from slrt_sim.server import live
    from slrt_sim.training.store import DB_ENV

    monkeypatch.setenv(DB_ENV, str(tmp_path / "server.sqlite"))  # as the server sets it for itself
    handler = types.SimpleNamespace(holder={})
    lobby = live.LiveApiHandler.lobby.fget(handler)  # the lobby the route makes at its first call
    lobby.clock = lambda: 0.0
    body = {"config": {"days": 2}, "teams": [[["fo", "Ani"]]], "class_code": "kls-s"}
    assert live.act(lobby, "start", body) == {"games": ["1"]}
    db = live.act(lobby, "end", {"game": "1"})
    saved = SessionStore(tmp_path / "server.sqlite").debriefs("KLS-S")
    assert [s["game"] for s in saved] == ["1"] and saved[0]["debrief"]["team"] == db["team"]


@pytest.mark.parametrize("chosen, kept_in", [("OTHER", "OTHER"), ("", "KLS-L")])
def test_the_projector_s_start_form_chooses_the_class_that_keeps_the_debrief(store, monkeypatch, chosen, kept_in):
    from slrt_sim.apps.live_client import Local
    from slrt_sim.apps.live_projector import LiveProjector
    from slrt_sim.i18n import t

    monkeypatch.setenv(dash.PIN_ENV, "4321")
    store.create_class("NEWEST", 4, "mudah")
    live = Local(Lobby(lambda: 0.0, store=store))
    proj = LiveProjector(live, store=store)
    assert proj.unlock("4321")
    # the store's classes newest first, the newest chosen; then the class the players logged in to
    assert [v for _, v in proj.klass.options] == ["NEWEST", "OTHER", "KLS-L", ""] and proj.klass.value == "NEWEST"
    assert proj.klass.options[-1][0] == t("live.ui.class_players")
    live.join("A2", 1, "fo")  # a name claimed in KLS-L only (the players' class)
    proj.klass.value = chosen
    store.create_class("MADE-LATER", 4, "mudah")  # on the dashboard, while the form is open
    proj.show_roster()
    assert "MADE-LATER" in [v for _, v in proj.klass.options] and proj.klass.value == chosen  # the choice stays
    proj.days.value = 2
    assert proj.start() == ["1"]
    assert (t("live.ui.saved_in", klass=chosen) if chosen else t("live.ui.saved_players")) in proj.msg.value
    assert proj.end() is not None
    assert {c: [s["game"] for s in store.debriefs(c)] for c in ("NEWEST", "OTHER", "KLS-L", "MADE-LATER")} == {
        c: (["1"] if c == kept_in else []) for c in ("NEWEST", "OTHER", "KLS-L", "MADE-LATER")}
