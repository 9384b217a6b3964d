"""The session database's health at start, and its backups.

* :func:`check` — before the server starts: one clear line (catalogue ``hall.db.*``, naming the
  file) for a database that is a folder, cannot be read or written, is not a SQLite file, or
  fails SQLite's ``PRAGMA quick_check`` (random bytes inside a valid file pass a plain open and
  only fail later, on the dashboard). ``None`` when the file is missing (it will be created)
  or sound. The server refuses to start on a fault: nothing is overwritten or discarded.
* :func:`backup` — a copy with SQLite's online backup API (consistent while trainees write) in
  ``backups/`` beside the database (``var/backups/`` for ``make app``), named by time; only the
  newest :data:`KEEP` are kept. The class server makes one at start and every
  :data:`INTERVAL_S` seconds (:mod:`slrt_sim.server.backups`).
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from slrt_sim.i18n import t

__all__ = ["DatabaseFault", "check", "backup", "backup_dir", "KEEP", "INTERVAL_S"]

KEEP = 6
"""Backups kept (one hour of a day's class at the default interval)."""
INTERVAL_S = 600.0


class DatabaseFault(RuntimeError):
    """The database cannot serve a class; ``str()`` is the one line for the trainer."""


def check(path: str | os.PathLike) -> str | None:
    """``None`` if ``path`` is missing (to be created) or a sound, writable SQLite database; else
    one line saying what is wrong with it."""
    path = Path(path)
    if path.is_dir():
        return t("hall.db.folder", path=path)
    if not path.exists():
        parent = path.parent if path.parent.exists() else None
        if parent is not None and not os.access(parent, os.W_OK | os.X_OK):
            return t("hall.db.read_only", path=path)
        return None
    if not os.access(path, os.R_OK):
        return t("hall.db.unreadable", path=path)
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        return t("hall.db.read_only", path=path)
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return t("hall.db.corrupt", path=path, detail=str(exc))
    if [tuple(r) for r in rows] != [("ok",)]:
        return t("hall.db.corrupt", path=path, detail=str(rows[0][0])[:200] if rows else "?")
    return None


def backup_dir(path: str | os.PathLike) -> Path:
    return Path(path).parent / "backups"


def backup(path: str | os.PathLike, folder: str | os.PathLike | None = None, keep: int = KEEP,
           now: dt.datetime | None = None) -> Path | None:
    """Copy the database ``path`` into ``folder`` (default :func:`backup_dir`); returns the copy,
    or ``None`` when there is no database yet. The oldest copies beyond ``keep`` are removed."""
    path = Path(path)
    if not path.is_file():
        return None
    folder = Path(folder) if folder is not None else backup_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}-{stamp}.sqlite"
    partial = target.with_suffix(".partial")
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(target)
    copies = sorted(folder.glob(f"{path.stem}-*.sqlite"))
    for old in copies[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return target
