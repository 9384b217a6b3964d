"""Session store of the role-play apps: classes, saved progress and submissions, in SQLite.

One SQLite file serves the whole class (path: the ``path`` argument, else the environment
variable ``SLRT_DB`` that ``make app`` / :mod:`slrt_sim.serve` export, else
``var/slrt-sessions.sqlite`` in the repository — the same default as the Makefile and
``serve.DEFAULT_DB``).

Decisions:

* **WAL mode** (``journal_mode=WAL``, persistent in the file) so readers (the trainer
  dashboard) never block writers (trainees submitting), and ``synchronous=NORMAL``: a
  commit survives a crash of the app or the kernel; only a power cut may lose the last
  commits. The server sets it once at start (:func:`prepare`, called by
  :mod:`slrt_sim.serve`); a store opening a file not yet in WAL mode sets it itself.
  Opening retries with back-off (:data:`OPEN_ATTEMPTS`), so many kernels opening a fresh
  database at the same instant all succeed (``tests/test_store.py``).
* **One short connection per operation** with ``busy_timeout`` (30 s) and writes in
  ``BEGIN IMMEDIATE`` transactions of a single statement: 50 trainees submitting at the
  same second queue for the write lock for a few milliseconds each and nothing is lost
  (``tests/test_store.py`` proves it with 50 processes). No connection is shared between
  threads or processes, so a kernel's widget callbacks and timers can use the store freely.
* **Names and codes are normalised**: the trainee's name is compared with spaces collapsed
  and case folded (``"  siti  Aminah"`` continues the work of ``"Siti Aminah"``); class codes
  are stripped and upper-cased. The name as first typed is kept for display.
* **Input limits** (:mod:`slrt_sim.training.inputs`): names and class codes at most 80
  characters, bidirectional control characters removed; longer values raise
  :class:`~slrt_sim.training.inputs.InputError`.
* **One person per name** (tables ``names``, ``name_devices``): a name in a class belongs to
  the device that used it first (:meth:`SessionStore.claim_name`); another device proves it is
  the same person with the name's short code (:meth:`SessionStore.prove_name`), shown on the
  first device and on the trainer's dashboard, or picks another name. This part lives in
  :mod:`slrt_sim.training.store_names`.
* **Live games' debriefs** (table ``live_debriefs``, :meth:`SessionStore.save_debrief`) are kept
  with the class's results by :mod:`slrt_sim.training.store_live`.
* **Bounded storage** (:func:`bounded`): every progress save and submission keeps text to
  :data:`~slrt_sim.training.inputs.MAX_TEXT` characters and at most :data:`MAX_STATE_BYTES` /
  :data:`MAX_ANSWERS_BYTES` as JSON; a trainee has at most :data:`MAX_SUBMISSIONS` per app and
  class, a device
  :data:`~slrt_sim.training.store_names.MAX_NAMES_PER_DEVICE` names per class. Over a bound,
  :class:`StorageLimit` (one catalogue line for the app) and nothing is written.
* **A refused save is said, not swallowed**: a progress save or a submission that SQLite refuses
  (disk full, database locked past ``busy_timeout``, read-only file, damaged file) raises
  :class:`SaveRefused` naming the reason (:data:`REFUSAL_REASONS`), after a warning in the
  trainer's log naming trainee, class and app. The apps show its line beside the form and keep
  every typed value in the widgets (:func:`slrt_sim.apps._store.save_progress`); the next
  accepted save stores the whole form, so nothing typed is lost while the page stays open.
* **The back office's queue** is built from :meth:`SessionStore.registrations`: per case the
  best-scored front-office submission, the earliest among equals, never the latest by anyone;
  the trainer can exclude a submission (:meth:`SessionStore.exclude`).
* **Trainer PIN failures** of a kernel without a class server are counted here (table
  ``pin_failures``, one scope per kernel and PIN, :func:`slrt_sim.training.dashboard.check_pin`);
  a class server throttles per device in its own memory (:mod:`slrt_sim.server.guard`). The
  table is emptied at every server start (:func:`prepare`, :mod:`slrt_sim.server.warm`).
* ``answers``, ``feedback`` and progress ``state`` are stored as JSON text.
"""
from __future__ import annotations

import json
import logging
import os
import random
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from slrt_sim.training.inputs import MAX_NAME, MAX_TEXT, clean_name, strip_bidi
from slrt_sim.training import store_live, store_names
from slrt_sim.training.store_live import LiveDebriefs
from slrt_sim.training.store_names import NameClaims, norm_code, norm_name  # noqa: F401 (norm_* re-exported)

__all__ = ["SessionStore", "StorageLimit", "SaveRefused", "bounded", "LEVELS", "APPS", "DB_ENV", "default_db_path", "norm_name", "norm_code", "prepare"]

log = logging.getLogger("slrt_sim.store")

LEVELS = ("mudah", "sedang", "sulit")
"""Difficulty levels of a class (see :mod:`slrt_sim.training.front_office`)."""
APPS = ("fo", "bo", "hv")
"""The role-play apps: front office, back office and the fasilitator's home visit."""
DB_ENV = "SLRT_DB"
BUSY_TIMEOUT_S = 30.0
OPEN_ATTEMPTS = 8
"""Tries to open (and create) the database before giving up; the wait doubles from 50 ms."""
MAX_STATE_BYTES = 64_000
"""A saved progress state, as JSON, at most (the front office's biggest form is ~6 kB)."""
MAX_ANSWERS_BYTES = 64_000
MAX_FEEDBACK_BYTES = 256_000
MAX_SUBMISSIONS = 300
"""Submissions of one trainee in one app of one class (ten cases tried again and again)."""
MAX_ITEMS = 300
MAX_DEPTH = 6

_SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (
    code        TEXT PRIMARY KEY,
    seed        INTEGER NOT NULL,
    level       TEXT NOT NULL,
    trainer     TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS progress (
    trainee_key TEXT NOT NULL,
    class_code  TEXT NOT NULL,
    app         TEXT NOT NULL,
    trainee     TEXT NOT NULL,
    state       TEXT NOT NULL,
    updated_at  REAL NOT NULL,
    PRIMARY KEY (trainee_key, class_code, app)
);
CREATE TABLE IF NOT EXISTS submissions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    trainee_key  TEXT NOT NULL,
    trainee      TEXT NOT NULL,
    class_code   TEXT NOT NULL,
    app          TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    answers      TEXT NOT NULL,
    score        REAL NOT NULL,
    max_score    REAL NOT NULL,
    feedback     TEXT NOT NULL,
    started_at   REAL NOT NULL,
    submitted_at REAL NOT NULL,
    saved_at     REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_class ON submissions (class_code, app);
CREATE TABLE IF NOT EXISTS excluded (
    submission_id INTEGER PRIMARY KEY,
    excluded_at   REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS pin_failures (
    scope       TEXT PRIMARY KEY,
    failures    INTEGER NOT NULL,
    last_at     REAL NOT NULL
);
"""


def default_db_path() -> Path:
    """``$SLRT_DB`` if set, else ``<repository>/var/slrt-sessions.sqlite`` (as ``make app``) or, for
    an installed kit, the user data folder (:data:`slrt_sim.paths.DEFAULT_DB`)."""
    env = os.environ.get(DB_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    from slrt_sim.paths import DEFAULT_DB

    return DEFAULT_DB


def _retry(what: str, fn):
    """``fn()``, tried again with doubling waits while SQLite says the database is locked or busy."""
    delay = 0.05
    for attempt in range(OPEN_ATTEMPTS):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            msg = str(exc).lower()
            if ("locked" not in msg and "busy" not in msg) or attempt == OPEN_ATTEMPTS - 1:
                raise
            log.info("store: %s: %s, retrying in %.2f s", what, exc, delay)
            time.sleep(delay * (1 + random.random()))
            delay *= 2


def prepare(path: str | os.PathLike | None = None) -> Path:
    """Check the database (:func:`slrt_sim.training.store_health.check`: a fault raises
    :class:`~slrt_sim.training.store_health.DatabaseFault` with one line for the trainer), then
    create it and set WAL mode once (at server start); returns its path."""
    from slrt_sim.training import store_health

    fault = store_health.check(Path(path).expanduser() if path is not None else default_db_path())
    if fault:
        raise store_health.DatabaseFault(fault)
    store = SessionStore(path)
    store.reset_pin_failures(None)
    return store.path


class StorageLimit(ValueError):
    """A save over the store's bounds (:data:`MAX_STATE_BYTES`, :data:`MAX_SUBMISSIONS` …); ``key``
    is the catalogue line the app shows."""

    def __init__(self, key: str, what: str):
        super().__init__(f"{key}: {what}")
        self.key = key

    def message(self, lang: str | None = None) -> str:
        from slrt_sim.i18n import t

        return t(self.key, lang=lang)


REFUSAL_REASONS = ("too_big", "full", "busy", "read_only", "fault")
"""Why a save can be refused: over :data:`MAX_STATE_BYTES`, disk full, database locked, read-only,
damaged or otherwise failing (catalogue ``hall.store.reason.<reason>``)."""


class SaveRefused(StorageLimit):
    """A progress save (``hall.save.refused``) or a submission (``hall.submit.refused``) not
    written; ``reason`` is one of :data:`REFUSAL_REASONS`."""

    def __init__(self, key: str, reason: str, what: str):
        super().__init__(key, f"{reason}: {what}")
        self.reason = reason

    def message(self, lang: str | None = None) -> str:
        from slrt_sim.i18n import t

        return t(self.key, lang=lang, reason=t(f"hall.store.reason.{self.reason}", lang=lang))


def refusal_reason(exc: BaseException) -> str:
    """The :data:`REFUSAL_REASONS` entry of an error raised while writing."""
    if isinstance(exc, StorageLimit):
        return "too_big"
    msg = str(exc).lower()
    if "full" in msg or getattr(exc, "errno", None) == 28:  # "database or disk is full", ENOSPC
        return "full"
    if "locked" in msg or "busy" in msg:
        return "busy"
    if "readonly" in msg or "read-only" in msg:
        return "read_only"
    return "fault"


@contextmanager
def _refusing(key: str, trainee: str, class_code: str, app: str, what: str) -> Iterator[None]:
    """Turn an over-size value or an SQLite error of one save into :class:`SaveRefused` (``key``),
    logged for the trainer; other caps (too many submissions) keep their own line."""
    try:
        yield
    except (sqlite3.Error, OSError, StorageLimit) as exc:
        if isinstance(exc, StorageLimit) and exc.key != "hall.store.too_big":
            raise
        reason = refusal_reason(exc)
        log.warning("store: %s of %r in %s/%s not saved (%s): %s", what, clean_name(trainee), norm_code(class_code),
                    app, reason, exc)
        raise SaveRefused(key, reason, str(exc)) from exc


def bounded(value: Any, depth: int = 0) -> Any:
    """``value`` as the store keeps typed data: text clipped to :data:`MAX_TEXT` characters (the form
    still shows all of it, and marks it at submit), at most :data:`MAX_ITEMS` items per list or
    mapping and :data:`MAX_DEPTH` levels; anything else becomes text."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {str(k)[:MAX_NAME]: bounded(v, depth + 1) for k, v in list(value.items())[:MAX_ITEMS]}
    if isinstance(value, (list, tuple)):
        return [bounded(v, depth + 1) for v in list(value)[:MAX_ITEMS]]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return strip_bidi(value)[:MAX_TEXT]


def _bounded_json(value: Any, limit: int, what: str) -> str:
    text = json.dumps(bounded(value), ensure_ascii=False, default=str)
    if len(text.encode("utf-8")) > limit:
        raise StorageLimit("hall.store.too_big", f"{what} over {limit} bytes")
    return text


def _check_app(app: str) -> str:
    if app not in APPS:
        raise ValueError(f"app must be one of {APPS}, not {app!r}")
    return app


class SessionStore(NameClaims, LiveDebriefs):
    """Classes, progress and submissions of the role-play apps (see the module docstring); the names'
    claims (:class:`~slrt_sim.training.store_names.NameClaims`) and the live games' debriefs
    (:class:`~slrt_sim.training.store_live.LiveDebriefs`) are kept in their own modules."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _retry("create tables", self._create)
        _retry("set WAL", self._ensure_wal)

    def _create(self) -> None:
        with self._connect() as con:
            con.executescript(_SCHEMA + store_names.SCHEMA + store_live.SCHEMA)

    def _ensure_wal(self) -> None:
        """WAL is persistent in the file: set it only when the file is not yet in WAL mode."""
        with self._connect() as con:
            if str(con.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                con.execute("PRAGMA journal_mode=WAL")

    # ------------------------------------------------------------------ connections
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        con.execute("PRAGMA synchronous=NORMAL")
        con.row_factory = sqlite3.Row
        return _Closing(con)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction that takes the write lock at once (no upgrade deadlock)."""
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                if con.in_transaction:  # SQLite itself rolls back on "disk full": keep that error
                    con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    @contextmanager
    def _refused_write(self, key: str, trainee: str, class_code: str, app: str, what: str):
        """:meth:`_write` whose SQLite error or over-size value (:func:`_bounded_json`) raises
        :class:`SaveRefused` (``key``), logged for the trainer (:func:`_refusing`)."""
        with _refusing(key, trainee, class_code, app, what), self._write() as con:
            yield con

    _bounded_json = staticmethod(_bounded_json)

    def _read(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._connect() as con:
            return con.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ classes
    def create_class(self, code: str, seed: int, level: str, trainer: str = "") -> None:
        """Create class ``code`` (or update its seed, level and trainer)."""
        code = norm_code(code)
        if not code:
            raise ValueError("a class code must not be empty")
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
        now = time.time()
        with self._write() as con:
            con.execute(
                "INSERT INTO classes (code, seed, level, trainer, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET "
                "seed=excluded.seed, level=excluded.level, trainer=excluded.trainer, updated_at=excluded.updated_at",
                (code, int(seed), level, clean_name(trainer), now, now),
            )

    @staticmethod
    def _class_row(row: sqlite3.Row) -> dict:
        return {"code": row["code"], "seed": int(row["seed"]), "level": row["level"],
                "trainer": row["trainer"], "created_at": row["created_at"]}

    def get_class(self, code: str) -> dict | None:
        """``{"code", "seed", "level", "trainer", "created_at"}`` or ``None``."""
        rows = self._read("SELECT * FROM classes WHERE code = ?", (norm_code(code),))
        return self._class_row(rows[0]) if rows else None

    def list_classes(self) -> list[dict]:
        """All classes, newest first."""
        return [self._class_row(r) for r in self._read("SELECT * FROM classes ORDER BY created_at DESC, code")]

    # ------------------------------------------------------------------ progress
    def save_progress(self, trainee: str, class_code: str, app: str, state: dict) -> bool:
        """Remember where ``trainee`` is in ``app`` of ``class_code`` (replaces the previous state);
        ``True`` once written. :class:`SaveRefused` (``hall.save.refused``, logged as a warning for
        the trainer) when the state is over :data:`MAX_STATE_BYTES` even with its text clipped, or
        SQLite refuses the write (disk full, locked, read-only, damaged): the previous state is kept."""
        _check_app(app)
        with _refusing("hall.save.refused", trainee, class_code, app, "progress"):
            text = _bounded_json(state, MAX_STATE_BYTES, "progress")
            with self._write() as con:
                con.execute(
                    "INSERT INTO progress (trainee_key, class_code, app, trainee, state, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(trainee_key, class_code, app) DO UPDATE SET "
                    "state=excluded.state, updated_at=excluded.updated_at",
                    (norm_name(trainee), norm_code(class_code), app, clean_name(trainee), text, time.time()),
                )
        return True

    def load_progress(self, trainee: str, class_code: str, app: str) -> dict | None:
        """The last saved state, or ``None``."""
        _check_app(app)
        rows = self._read(
            "SELECT state FROM progress WHERE trainee_key = ? AND class_code = ? AND app = ?",
            (norm_name(trainee), norm_code(class_code), app))
        return json.loads(rows[0]["state"]) if rows else None

    # ------------------------------------------------------------------ submissions
    def save_submission(self, *, trainee: str, class_code: str, app: str, case_id: str, answers: dict,
                        score: float, max_score: float, feedback: list[dict], started_at: float,
                        submitted_at: float) -> int:
        """Store one graded submission; returns its id. :class:`StorageLimit` when it is over the
        bounds (answers, feedback, or :data:`MAX_SUBMISSIONS` of this trainee in this app and class);
        :class:`SaveRefused` (``hall.submit.refused``) when SQLite refuses the write."""
        _check_app(app)
        key, cls = norm_name(trainee), norm_code(class_code)
        texts = (_bounded_json(answers, MAX_ANSWERS_BYTES, "answers"),
                 _bounded_json(feedback, MAX_FEEDBACK_BYTES, "feedback"))
        with self._refused_write("hall.submit.refused", trainee, class_code, app, "submission") as con:
            n = con.execute("SELECT COUNT(*) FROM submissions WHERE trainee_key = ? AND class_code = ? AND app = ?",
                            (key, cls, app)).fetchone()[0]
            if n >= MAX_SUBMISSIONS:
                raise StorageLimit("hall.store.too_many", f"{n} submissions of {key!r} in {cls}/{app}")
            cur = con.execute(
                "INSERT INTO submissions (trainee_key, trainee, class_code, app, case_id, answers, score, "
                "max_score, feedback, started_at, submitted_at, saved_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (key, clean_name(trainee), cls, app, str(case_id)[:MAX_NAME], texts[0], float(score),
                 float(max_score), texts[1], float(started_at), float(submitted_at), time.time()),
            )
            return int(cur.lastrowid)

    def registrations(self, class_code: str, app: str) -> dict[str, dict]:
        """Per case id, the answers of the class's **best** submission of ``app``: the highest score
        (as a share of its maximum), the earliest among equals; submissions the trainer excluded
        (:meth:`exclude`) do not count. No later submission replaces a better or an equal earlier
        one, so a single trainee cannot overwrite what the back office is built from (a wrong
        name or NIK scores lower). No pandas: role-play kernels read this."""
        _check_app(app)
        rows = self._read(
            "SELECT case_id, answers, score, max_score FROM submissions WHERE class_code = ? AND app = ? "
            "AND id NOT IN (SELECT submission_id FROM excluded) ORDER BY id", (norm_code(class_code), app))
        best: dict[str, tuple[float, dict]] = {}
        for r in rows:
            share = float(r["score"]) / float(r["max_score"]) if float(r["max_score"]) > 0 else 0.0
            case = str(r["case_id"])
            if case not in best or share > best[case][0]:
                best[case] = (share, json.loads(r["answers"]))
        return {case: answers for case, (_, answers) in best.items()}

    def exclude(self, submission_id: int, excluded: bool = True) -> None:
        """The trainer takes a submission out of the dashboard and the queue (or puts it back)."""
        with self._write() as con:
            if excluded:
                con.execute("INSERT OR IGNORE INTO excluded (submission_id, excluded_at) VALUES (?, ?)",
                            (int(submission_id), time.time()))
            else:
                con.execute("DELETE FROM excluded WHERE submission_id = ?", (int(submission_id),))

    def excluded_ids(self) -> set[int]:
        return {int(r[0]) for r in self._read("SELECT submission_id FROM excluded")}

    def submissions(self, class_code: str | None = None, include_excluded: bool = False):
        """One row per submission (``answers``/``feedback`` as JSON text, ``duration_s``), oldest
        first; those the trainer excluded only with ``include_excluded``."""
        import pandas as pd

        sql = ("SELECT id, trainee, trainee_key, class_code, app, case_id, answers, score, max_score, feedback, "
               "started_at, submitted_at, submitted_at - started_at AS duration_s FROM submissions WHERE 1")
        params: tuple = ()
        if class_code is not None:
            sql += " AND class_code = ?"
            params = (norm_code(class_code),)
        if not include_excluded:
            sql += " AND id NOT IN (SELECT submission_id FROM excluded)"
        rows = self._read(sql + " ORDER BY id", params)
        cols = ["id", "trainee", "trainee_key", "class_code", "app", "case_id", "answers", "score", "max_score",
                "feedback", "started_at", "submitted_at", "duration_s"]
        return pd.DataFrame([tuple(r) for r in rows], columns=cols)

    # ------------------------------------------------------------------ trainer PIN failures
    def pin_failures(self, scope: str = "dashboard") -> tuple[int, float]:
        """``(failures since the last success, time of the last failure)``."""
        rows = self._read("SELECT failures, last_at FROM pin_failures WHERE scope = ?", (scope,))
        return (int(rows[0]["failures"]), float(rows[0]["last_at"])) if rows else (0, 0.0)

    def record_pin_failure(self, now: float | None = None, scope: str = "dashboard") -> int:
        """Count one wrong PIN (server-wide); returns the failures since the last success."""
        now = time.time() if now is None else float(now)
        with self._write() as con:
            con.execute("INSERT INTO pin_failures (scope, failures, last_at) VALUES (?, 1, ?) "
                        "ON CONFLICT(scope) DO UPDATE SET failures = failures + 1, last_at = excluded.last_at",
                        (scope, now))
            return int(con.execute("SELECT failures FROM pin_failures WHERE scope = ?", (scope,)).fetchone()[0])

    def reset_pin_failures(self, scope: str | None = "dashboard") -> None:
        """Forget the failures of ``scope`` (all scopes with ``None``: the server starts)."""
        with self._write() as con:
            if scope is None:
                con.execute("DELETE FROM pin_failures")
            else:
                con.execute("DELETE FROM pin_failures WHERE scope = ?", (scope,))

    def mistakes(self, class_code: str | None = None):
        """Count of not-ok feedback items per ``rule`` (catalogue key, or ``item`` when none), most frequent first.

        Columns: ``rule`` (the catalogue key or the item name), ``item``, ``count``,
        ``trainees`` (distinct trainees who made it).
        """
        import pandas as pd

        counts: dict[tuple[str, str], list] = {}
        for row in self.submissions(class_code).itertuples(index=False):
            for fb in json.loads(row.feedback):
                if fb.get("ok"):
                    continue
                key = (str(fb.get("rule") or fb.get("item")), str(fb.get("item")))
                entry = counts.setdefault(key, [0, set()])
                entry[0] += 1
                entry[1].add(row.trainee_key)
        data = [(r, i, n, len(ts)) for (r, i), (n, ts) in counts.items()]
        df = pd.DataFrame(data, columns=["rule", "item", "count", "trainees"])
        return df.sort_values(["count", "rule"], ascending=[False, True], ignore_index=True)


class _Closing:
    """A connection that is closed (not just committed) at the end of a ``with`` block."""

    def __init__(self, con: sqlite3.Connection):
        self._con = con

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def __enter__(self) -> sqlite3.Connection:
        return self._con

    def __exit__(self, *exc: object) -> None:
        self._con.close()
