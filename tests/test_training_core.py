"""The one training core: the practice class, the calendar's year, the shared DTKS search."""
from __future__ import annotations

from slrt_sim.training import back_office as bo
from slrt_sim.training import front_office as fo
from slrt_sim.training.core import PRACTICE_CLASS, resolve_class, start_date, training_population
from slrt_sim.training.store import SessionStore


def test_practice_class_is_the_same_level_in_both_apps(tmp_path):
    """LATIHAN: the back office's practice queue does not depend on who logged in first."""
    from slrt_sim.apps.back_office import BackOfficeApp
    from slrt_sim.apps.front_office import FrontOfficeApp

    store = SessionStore(tmp_path / "s.sqlite")
    before = resolve_class("latihan", store)          # nobody logged in yet: the built-in class
    fo_app = FrontOfficeApp(store=store)
    assert fo_app.login("Siti", "latihan")            # the FO registers the practice class
    after = resolve_class("LATIHAN", store)
    assert before["level"] == after["level"] == PRACTICE_CLASS["level"] == fo_app.klass["level"]
    bo_app = BackOfficeApp(store=store)
    bo_app.open_queue("Budi", after)
    assert bo_app.queue.level == fo_app.klass["level"]


def test_years_come_from_the_scenario_calendar():
    pop = training_population(2018)
    year = start_date(pop).year
    q = bo.build_queue("TAHUN", 2018, "sulit")
    assert q.start_year == year and all(c.start_year == year for c in q.cases)
    stale = [c for c in q.cases if c.problem == "stale"]
    assert stale and all(c.profile["dtks_year"] < year - bo.STALE_YEARS for c in stale)
    dead = [c.deceased for code in ("T1", "T2", "T3") for c in fo.build_cases(code, 2018, "sulit")
            if c.deceased is not None]
    assert dead and all(int(d["birth_date"][:4]) == year - d["age"] for d in dead)
    sktm = [c.documents["sktm"]["number"] for c in fo.build_cases("T1", 2018, "sulit") if c.documents["sktm"]]
    assert sktm and all(n.endswith(f"/{year - 1}") for n in sktm)


def test_one_dtks_search_for_both_apps():
    q = bo.build_queue("CARI", 2018, "sedang")
    c = next(c for c in q.cases if c.problem == "clean")
    rows = bo.dtks_search(q, nik=c.registration["nik"])
    assert [r["name"] for r in rows] == [c.head_name]
    recs = q.dtks.search(nik=c.registration["nik"])
    assert [r["head_name"] for r in recs] == [c.head_name] and type(q.dtks) is type(fo.class_dtks("CARI", 2018,
                                                                                                  "sedang"))
