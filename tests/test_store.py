"""The session store: classes, progress, submissions, and 50 simultaneous writers."""
from __future__ import annotations

import json
import re
import multiprocessing as mp
import sqlite3
import time

import pytest

from slrt_sim.training.store import LEVELS, SessionStore, default_db_path


def _fb(ok: bool, rule: str | None, item: str = "nik") -> dict:
    return {"item": item, "ok": ok, "rule": rule, "message": "m"}


def test_tables_and_wal(tmp_path):
    db = tmp_path / "s.sqlite"
    SessionStore(db)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"classes", "progress", "submissions"} <= names


def test_default_path_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("SLRT_DB", str(tmp_path / "x" / "db.sqlite"))
    assert default_db_path() == tmp_path / "x" / "db.sqlite"
    store = SessionStore()
    assert store.path.exists()
    monkeypatch.delenv("SLRT_DB")
    assert default_db_path().parts[-2:] == ("var", "slrt-sessions.sqlite")


def test_classes_idempotent_and_normalised(tmp_path):
    s = SessionStore(tmp_path / "s.sqlite")
    s.create_class(" kls-01 ", 7, "mudah", trainer="Bu Rina")
    s.create_class("KLS-01", 8, "sulit")
    c = s.get_class("kls-01")
    assert (c["code"], c["seed"], c["level"]) == ("KLS-01", 8, "sulit")
    assert s.get_class("nope") is None
    s.create_class("B", 1, "sedang")
    assert {c["code"] for c in s.list_classes()} == {"KLS-01", "B"}
    with pytest.raises(ValueError):
        s.create_class("C", 1, "expert")
    with pytest.raises(ValueError):
        s.create_class("  ", 1, "mudah")
    assert LEVELS == ("mudah", "sedang", "sulit")


def test_progress_roundtrip_by_name_and_code(tmp_path):
    s = SessionStore(tmp_path / "s.sqlite")
    assert s.load_progress("Siti", "A", "fo") is None
    state = {"case_index": 3, "form": {"nik": "337501", "members": "Siti\nBudi"}}
    s.save_progress("Siti  Aminah", "a", "fo", state)
    assert s.load_progress(" siti aminah ", "A", "fo") == state  # same person, same class
    assert s.load_progress("Siti Aminah", "A", "bo") is None     # apps are separate
    s.save_progress("Siti Aminah", "A", "fo", {"case_index": 4})
    assert s.load_progress("Siti Aminah", "A", "fo") == {"case_index": 4}
    with pytest.raises(ValueError):
        s.save_progress("x", "A", "zz", {})


def test_submissions_and_mistakes(tmp_path):
    s = SessionStore(tmp_path / "s.sqlite")
    t0 = time.time()
    for who, fb in (("Ana", [_fb(False, "rule.not_in_dtks", "decision"), _fb(True, None)]),
                    ("Budi", [_fb(False, "rule.not_in_dtks", "decision"), _fb(False, None, "nik")]),
                    ("Ana", [_fb(False, None, "nik")])):
        sid = s.save_submission(trainee=who, class_code="k1", app="fo", case_id="fo-1", answers={"nik": "1"},
                                score=50, max_score=100, feedback=fb, started_at=t0, submitted_at=t0 + 42)
        assert isinstance(sid, int)
    s.save_submission(trainee="Cici", class_code="other", app="bo", case_id="bo-1", answers={}, score=1,
                      max_score=1, feedback=[_fb(False, "rule.x")], started_at=t0, submitted_at=t0 + 1)
    df = s.submissions("K1")
    assert len(df) == 3 and set(df.trainee) == {"Ana", "Budi"}
    assert df.duration_s.tolist() == pytest.approx([42, 42, 42])
    assert json.loads(df.answers.iloc[0]) == {"nik": "1"}
    assert len(s.submissions()) == 4
    m = s.mistakes("k1")
    assert m["count"].tolist() == [2, 2]  # most frequent first
    by_rule = m.set_index("rule")
    assert by_rule.loc["rule.not_in_dtks"].to_dict() == {"item": "decision", "count": 2, "trainees": 2}
    assert by_rule.loc["nik"].to_dict() == {"item": "nik", "count": 2, "trainees": 2}
    assert len(s.mistakes()) == 3


def _writer(args):
    db, i, barrier = args
    store = SessionStore(db)  # its own connection(s), as a separate kernel would
    barrier.wait()            # everybody presses "Kirim" at the same moment
    ids = []
    for k in range(3):
        ids.append(store.save_submission(
            trainee=f"Peserta {i:02d}", class_code="SERENTAK", app="fo", case_id=f"fo-{k}",
            answers={"k": k, "i": i}, score=float(i), max_score=100.0, feedback=[_fb(k % 2 == 0, "rule.k")],
            started_at=0.0, submitted_at=1.0))
        store.save_progress(f"Peserta {i:02d}", "SERENTAK", "fo", {"case_index": k + 1})
    return ids


@pytest.mark.slow
def test_fifty_simultaneous_writers_lose_nothing(tmp_path):
    db = tmp_path / "s.sqlite"
    SessionStore(db)
    n = 50
    # separate processes (fork: quick to start; each opens its own connections after the fork)
    ctx = mp.get_context("fork")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(n)
        with ctx.Pool(n) as pool:
            results = pool.map(_writer, [(str(db), i, barrier) for i in range(n)])
    ids = [x for r in results for x in r]
    assert len(ids) == len(set(ids)) == 3 * n
    s = SessionStore(db)
    df = s.submissions("SERENTAK")
    assert len(df) == 3 * n
    assert sorted(df.trainee.unique()) == [f"Peserta {i:02d}" for i in range(n)]
    for i in range(n):
        assert s.load_progress(f"peserta {i:02d}", "serentak", "fo") == {"case_index": 3}
    assert s.mistakes("SERENTAK").set_index("rule").loc["rule.k", "count"] == n


def _open_store(path: str) -> str:
    try:
        SessionStore(path).create_class("K", 1, "mudah")
        return "ok"
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        return repr(exc)


def test_many_processes_open_a_fresh_database_at_once(tmp_path):
    """Kernels opening a database nobody created yet, at the same instant: none fails."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    for trial in range(3):
        path = str(tmp_path / f"fresh-{trial}.sqlite")
        with ctx.Pool(16) as pool:
            out = pool.map(_open_store, [path] * 32)
        assert out == ["ok"] * 32
        assert SessionStore(path)._read("PRAGMA journal_mode")[0][0] == "wal"


def test_prepare_sets_wal_once(tmp_path):
    from slrt_sim.training.store import prepare

    path = prepare(tmp_path / "p.sqlite")
    import sqlite3

    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_input_limits_names_codes_and_bidi(tmp_path):
    from slrt_sim.training.inputs import MAX_NAME, InputError, clean_name, clean_text

    s = SessionStore(tmp_path / "s.sqlite")
    with pytest.raises(InputError):
        s.create_class("K" * (MAX_NAME + 1), 1, "mudah")
    with pytest.raises(InputError):
        s.save_progress("x" * (MAX_NAME + 1), "K", "fo", {})
    s.create_class("K" * MAX_NAME, 1, "mudah")
    evil = "Siti \u202eAminah\u202c\u2066\u2069"
    s.save_progress(evil, "K", "fo", {"a": 1})
    assert s.load_progress("Siti Aminah", "K", "fo") == {"a": 1}
    assert clean_name(evil) == "Siti Aminah" and clean_text("a\u200fb") == "ab"
    with pytest.raises(InputError) as err:
        clean_text("x" * 5000)
    assert "2000" in err.value.message()


# ---------------------------------------------------------------------------- one person per name
def test_a_same_name_second_device_must_prove_the_code_or_pick_another_name(tmp_path, monkeypatch):
    """Two trainees called Budi in one class: the second device is not let into the first one's
    work; it proves it is the same person with the code shown on the first device, or picks
    another name; the dashboard lists the codes and the device that used two names."""
    from slrt_sim.apps import _hall, dashboard as dash_app
    from slrt_sim.apps.roleplay import LoginBox
    from slrt_sim.i18n import t

    store = SessionStore(tmp_path / "s.sqlite")
    store.create_class("KLS", 2018, "sedang")
    opened: list[tuple[str, str]] = []
    device = {"id": "phone-A"}
    monkeypatch.setattr(_hall, "whoami", lambda: {"device": device["id"], "local": False})

    def login(name):
        box = LoginBox("fo", lambda n, k: opened.append((device["id"], n)), lambda: store)
        return box, box.submit(name, "kls")

    first, ok = login("Budi")
    assert ok and opened == [("phone-A", "Budi")]
    code = store.name_codes("KLS")[0]["code"]
    assert re.fullmatch(r"\d{4}", code) and code in first.name_code.value  # shown on the first device

    device["id"] = "phone-B"
    second, ok = login("  budi ")
    assert not ok and len(opened) == 1  # not let into the first Budi's work
    assert second.proof.widget.layout.display is None and second.name.value == "  budi "  # asked, nothing lost
    assert t("hall.name.taken", name="budi") in second.proof.text.value
    second.proof.code.value = "x" + code
    assert not second.proof.prove() and t("hall.name.wrong") in second.proof.text.value
    second.proof.code.value = code
    assert second.proof.prove() and opened[-1] == ("phone-B", "budi")  # the same person, on a new device

    device["id"] = "phone-C"
    third, ok = login("Budi")
    assert not ok
    assert third.submit("Budi Santoso", "KLS")  # another name instead
    third.reset()
    assert third.submit("Siti", "KLS")  # the same device, a second name: the dashboard says so
    page = dash_app.names_html(store, "KLS")
    assert code in page and "Budi Santoso" in page
    assert store.shared_devices("KLS") == [["Budi Santoso", "Siti"]]
    assert t("hall.names.shared", names="Budi Santoso, Siti") in page
    # the trainer's own machine is never asked
    monkeypatch.setattr(_hall, "whoami", lambda: {"device": "laptop", "local": True})
    assert login("Budi")[1]


def test_name_codes_resist_guessing(tmp_path):
    store = SessionStore(tmp_path / "s.sqlite")
    assert store.claim_name("K", "Ani", "a")["status"] == "ok"
    right = store.name_codes("K")[0]["code"]
    wrong = [c for c in ("0000", "1111", "2222", "3333", "4444", "5555", "6666") if c != right]
    verdicts = [store.prove_name("K", "ani", "b", c) for c in wrong[:6]]
    assert verdicts[:5] == ["wrong"] * 5 and verdicts[5] == "wait"
    assert store.prove_name("K", "ani", "b", right) == "wait"  # even the right code waits now
    assert store.claim_name("K", "Ani", "b")["status"] == "taken"


# ---------------------------------------------------------------------------- bounded, unpoisoned data
def test_a_huge_progress_save_is_bounded_and_the_next_trainee_still_submits(tmp_path, caplog):
    from slrt_sim.training import store as S
    from slrt_sim.training.inputs import MAX_TEXT

    store = SessionStore(tmp_path / "s.sqlite")
    huge = {"form": {"members": "x" * 900_000, "address": "Jl. Melati 3"}, "case": 2}
    assert store.save_progress("Budi", "K", "fo", huge) is True  # saved, with the text clipped
    kept = store.load_progress("Budi", "K", "fo")
    assert len(kept["form"]["members"]) == MAX_TEXT and kept["form"]["address"] == "Jl. Melati 3"
    flood = {"form": {f"f{k}": "y" * MAX_TEXT for k in range(200)}}  # 400 kB of fields
    with caplog.at_level("WARNING", logger="slrt_sim.store"), pytest.raises(S.SaveRefused) as refused:
        store.save_progress("Budi", "K", "fo", flood)
    assert refused.value.reason == "too_big"
    assert "not saved" in caplog.text and store.load_progress("Budi", "K", "fo") == kept  # the last good state
    deep = {"a": [[[[[[[[["deep"]]]]]]]]], "list": list(range(10_000))}
    assert store.save_progress("Budi", "K", "bo", deep)
    assert len(store.load_progress("Budi", "K", "bo")["list"]) == S.MAX_ITEMS
    size = (tmp_path / "s.sqlite").stat().st_size + sum(p.stat().st_size for p in tmp_path.glob("s.sqlite-*"))
    assert size < 2_000_000
    # bounded submissions: answers clipped, and a cap per trainee
    sid = store.save_submission(trainee="Ani", class_code="K", app="fo", case_id="C1", answers={"nik": "9" * 10**6},
                                score=1, max_score=2, feedback=[], started_at=0.0, submitted_at=1.0)
    assert len(json.loads(store.submissions("K").set_index("id").loc[sid, "answers"])["nik"]) == MAX_TEXT
    with pytest.raises(S.StorageLimit):
        store.save_submission(trainee="Ani", class_code="K", app="fo", case_id="C1", answers=flood["form"],
                              score=1, max_score=2, feedback=[], started_at=0.0, submitted_at=1.0)


def test_a_poisoned_fo_submission_does_not_change_the_back_office_queue(tmp_path):
    """Per case the queue takes the best-scored registration, the earliest among equals: a later
    submission with another name and NIK (scoring lower, or the same) changes nothing; the trainer
    can exclude a submission, which leaves the dashboard and the queue."""
    from slrt_sim.training import back_office as bo, dashboard as dash

    store = SessionStore(tmp_path / "s.sqlite")
    store.create_class("KLS", 2018, "sedang")

    def submit(who, answers, score, at):
        return store.save_submission(trainee=who, class_code="KLS", app="fo", case_id="FO-01", answers=answers,
                                     score=score, max_score=10, feedback=[], started_at=0.0, submitted_at=at)

    honest = {"head": "Siti Aminah", "nik": "1271010101800001"}
    first = submit("Ani", honest, 8, 1.0)
    submit("Joker", {"head": "HACKED", "nik": "0000000000000000"}, 3, 2.0)
    submit("Joker2", {"head": "HACKED", "nik": "0000000000000000"}, 8, 3.0)  # as good a score: still later
    assert bo.fo_registrations(store, "KLS") == {"FO-01": honest}
    better = {"head": "Siti Aminah", "nik": "1271010101800002"}
    submit("Budi", better, 9, 4.0)  # a better registration may replace it
    assert bo.fo_registrations(store, "KLS")["FO-01"] == better
    # the trainer excludes a submission: out of the queue's source and of the dashboard
    best = int(store.submissions("KLS").query("trainee == 'Budi'")["id"].iloc[0])
    store.exclude(best)
    assert bo.fo_registrations(store, "KLS")["FO-01"] == honest
    assert "Budi" not in set(dash.results(store, "KLS")["trainee"])
    assert len(store.submissions("KLS", include_excluded=True)) == 4
    store.exclude(best, excluded=False)
    assert "Budi" in set(dash.results(store, "KLS")["trainee"]) and first in store.submissions("KLS")["id"].tolist()


# ---------------------------------------------------------------------------- a refused save is said
class _FaultyStore(SessionStore):
    """A store whose connections fail as a real one does: ``full`` caps the file at its present
    pages (SQLite's own "database or disk is full"), ``read_only`` sets ``query_only``."""

    fault: str | None = None

    def _connect(self):
        con = super()._connect()
        if self.fault == "full":
            con.execute(f"PRAGMA max_page_count={con.execute('PRAGMA page_count').fetchone()[0]}")
        elif self.fault == "read_only":
            con.execute("PRAGMA query_only=1")
        return con


def _lock(path):
    """Another writer holding the write lock (as a stuck kernel would)."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    return con


def test_a_save_refused_by_sqlite_says_why_and_keeps_the_last_good_state(tmp_path, caplog, monkeypatch):
    from slrt_sim.i18n import t
    from slrt_sim.training import store as S

    store = _FaultyStore(tmp_path / "s.sqlite")
    store.save_progress("Budi", "K", "fo", {"form": {"head": "Budi"}})
    big = {"form": {f"f{k}": "y" * 1900 for k in range(20)}}  # 38 kB: new pages, within the size bound
    monkeypatch.setattr(S, "BUSY_TIMEOUT_S", 0.2)
    for fault, reason in (("full", "full"), ("read_only", "read_only"), ("locked", "busy")):
        store.fault = fault
        holder = _lock(store.path) if fault == "locked" else None
        caplog.clear()
        with caplog.at_level("WARNING", logger="slrt_sim.store"), pytest.raises(S.SaveRefused) as refused:
            store.save_progress("Budi", "K", "fo", big)
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
        assert refused.value.reason == reason, (fault, refused.value)
        assert "'Budi' in K/fo not saved" in caplog.text  # the trainer's log names who and where
        line = refused.value.message("id")
        assert line.startswith("Ketikan terakhir belum tersimpan") and t(f"hall.store.reason.{reason}", lang="id") in line
        store.fault = None
        assert store.load_progress("Budi", "K", "fo") == {"form": {"head": "Budi"}}  # the last good state
    assert store.save_progress("Budi", "K", "fo", big) is True  # the fault gone, the whole form is saved
    assert store.load_progress("Budi", "K", "fo") == big
    # a submission refused the same way says so at submit, with its own line
    store.fault = "full"
    with pytest.raises(S.SaveRefused) as refused:
        store.save_submission(trainee="Ani", class_code="K", app="fo", case_id="C1", answers=big["form"],
                              score=1, max_score=2, feedback=[], started_at=0.0, submitted_at=1.0)
    assert refused.value.message("en").startswith("Not submitted: the trainer's laptop is out of disk space")


def test_the_front_office_says_a_refused_save_and_keeps_every_typed_value(tmp_path):
    from slrt_sim.apps._store import REFUSED_CLASS
    from slrt_sim.apps.front_office import FrontOfficeApp

    store = _FaultyStore(tmp_path / "s.sqlite")
    app = FrontOfficeApp(store=store)
    assert app.login("Siti", "latihan")
    app.fields["head"].widget.value = "Siti Aminah"
    assert app.save_msg.value == ""
    store.fault = "full"  # the trainer's disk fills up while she types
    typed = {"members": "Ahmad bin Umar (anak, 9 th); " * 65, "address": "Jl. Melati 3, RT 2 RW 4, Podosugih; " * 50}
    for name, value in typed.items():
        app.fields[name].widget.value = value
    assert REFUSED_CLASS in app.save_msg.value and "Ketikan terakhir belum tersimpan" in app.save_msg.value
    assert "penyimpanan laptop pelatih penuh" in app.save_msg.value
    assert all(app.fields[n].widget.value == v for n, v in typed.items())  # nothing typed is lost on screen
    assert store.load_progress("Siti", "LATIHAN", "fo")["form"]["address"] != typed["address"]
    store.fault = None  # space made: the next keystroke saves the whole form and the line goes
    app.fields["nik"].widget.value = "3375"
    assert app.save_msg.value == ""
    form = store.load_progress("Siti", "LATIHAN", "fo")["form"]
    assert {n: form[n] for n in typed} == typed and form["head"] == "Siti Aminah" and form["nik"] == "3375"


def test_the_back_office_says_a_refused_save_instead_of_saved(tmp_path, monkeypatch):
    from slrt_sim.apps._store import REFUSED_CLASS
    from slrt_sim.apps.back_office import BackOfficeApp
    from slrt_sim.training import store as S

    monkeypatch.setattr(S, "BUSY_TIMEOUT_S", 0.2)
    store = _FaultyStore(tmp_path / "s.sqlite")
    store.create_class("KLS-1", 11, "mudah")
    app = BackOfficeApp(store)
    app.name.value, app.code.value = "Budi", "KLS-1"
    app._on_start()
    panel = app.panels[0]
    holder = _lock(store.path)  # another writer holds the database past the busy timeout
    try:
        panel.priority.value = 2
        assert REFUSED_CLASS in app.saved.value and "server sedang sibuk" in app.saved.value
        assert "Tersimpan" not in app.saved.value and panel.priority.value == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    panel.status.value = "match"
    assert "Tersimpan" in app.saved.value and REFUSED_CLASS not in app.saved.value
    saved = store.load_progress("Budi", "KLS-1", "bo")["answers"]["cases"][panel.case.case_id]
    assert saved["priority"] == 2 and saved["status"] == "match"
