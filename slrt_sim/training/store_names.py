"""One person per name in a class: the names' claims and their devices (part of the session store).

:class:`NameClaims` is mixed into :class:`slrt_sim.training.store.SessionStore`, which supplies the
connections (``_write``, ``_read``); its tables (:data:`SCHEMA`: ``names``, ``name_devices``) are
created with the store's. A name in a class belongs to the device that used it first
(:meth:`NameClaims.claim_name`); another device proves it is the same person with the name's short
code (:meth:`NameClaims.prove_name`), shown on the first device and on the trainer's dashboard, or
picks another name. Names and class codes are compared normalised (:func:`norm_name`,
:func:`norm_code`, re-exported by the store).
"""
from __future__ import annotations

import random
import time

from slrt_sim.training.inputs import clean_name

__all__ = ["NameClaims", "SCHEMA", "norm_name", "norm_code"]

NAME_CODE_DIGITS = 4
MAX_NAMES_PER_DEVICE = 8
"""Names one device may use in one class (a second trainee on a shared phone is fine; a thousand is not)."""
NAME_PROOF_FREE = 5
NAME_PROOF_WAIT_S = 300.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS names (
    class_code  TEXT NOT NULL,
    trainee_key TEXT NOT NULL,
    trainee     TEXT NOT NULL,
    device      TEXT NOT NULL,
    code        TEXT NOT NULL,
    created_at  REAL NOT NULL,
    proof_fails INTEGER NOT NULL DEFAULT 0,
    proof_at    REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (class_code, trainee_key)
);
CREATE TABLE IF NOT EXISTS name_devices (
    class_code  TEXT NOT NULL,
    trainee_key TEXT NOT NULL,
    device      TEXT NOT NULL,
    trainee     TEXT NOT NULL,
    first_at    REAL NOT NULL,
    PRIMARY KEY (class_code, trainee_key, device)
);
"""


def norm_name(name: str) -> str:
    """The comparison key of a trainee's name: spaces collapsed, case folded (bidi controls removed)."""
    return clean_name(name).casefold()


def norm_code(code: str) -> str:
    """A class code as stored: spaces removed, upper case (at most 80 characters)."""
    return "".join(clean_name(code).split()).upper()


class NameClaims:
    """The store's names and devices (see the module docstring)."""

    def class_of(self, names) -> str | None:
        """The class most of ``names`` logged in to (the names' claims), the newest on a tie; ``None``
        if none did (a live game's players name its class)."""
        keys = sorted({norm_name(n) for n in names if n})
        if not keys:
            return None
        rows = self._read(
            f"SELECT class_code, COUNT(*) AS n, MAX(created_at) AS last FROM names WHERE trainee_key IN "
            f"({','.join('?' * len(keys))}) GROUP BY class_code ORDER BY n DESC, last DESC LIMIT 1", tuple(keys))
        return str(rows[0]["class_code"]) if rows else None

    # ------------------------------------------------------------------ one person per name
    def claim_name(self, class_code: str, trainee: str, device: str) -> dict:
        """``{"status": "ok" | "taken", "code": …}``: the first device to use a name in a class owns
        it (and gets its short code, :data:`NAME_CODE_DIGITS` digits); a device that proved the
        code (:meth:`prove_name`) may use it too; any other device is told ``"taken"``."""
        cls, key, now = norm_code(class_code), norm_name(trainee), time.time()
        with self._write() as con:
            row = con.execute("SELECT device, code FROM names WHERE class_code = ? AND trainee_key = ?",
                              (cls, key)).fetchone()
            if row is None:
                used = con.execute("SELECT COUNT(*) FROM name_devices WHERE class_code = ? AND device = ?",
                                   (cls, device)).fetchone()[0]
                if used >= MAX_NAMES_PER_DEVICE:
                    return {"status": "limit", "code": None}
                code = f"{random.SystemRandom().randrange(10 ** NAME_CODE_DIGITS):0{NAME_CODE_DIGITS}d}"
                con.execute("INSERT INTO names (class_code, trainee_key, trainee, device, code, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)", (cls, key, clean_name(trainee), device, code, now))
                row = {"device": device, "code": code}
            allowed = row["device"] == device or con.execute(
                "SELECT 1 FROM name_devices WHERE class_code = ? AND trainee_key = ? AND device = ?",
                (cls, key, device)).fetchone() is not None
            if not allowed:
                return {"status": "taken", "code": None}
            con.execute("INSERT OR IGNORE INTO name_devices (class_code, trainee_key, device, trainee, first_at) "
                        "VALUES (?, ?, ?, ?, ?)", (cls, key, device, clean_name(trainee), now))
            return {"status": "ok", "code": row["code"]}

    def prove_name(self, class_code: str, trainee: str, device: str, code: str) -> str:
        """``"ok"`` (``device`` may use the name from now on), ``"wrong"`` or ``"wait"`` (after
        :data:`NAME_PROOF_FREE` wrong codes for this name, one try per :data:`NAME_PROOF_WAIT_S`)."""
        cls, key, now = norm_code(class_code), norm_name(trainee), time.time()
        given = "".join(str(code or "").split())[:16]
        with self._write() as con:
            row = con.execute("SELECT code, proof_fails, proof_at FROM names WHERE class_code = ? AND trainee_key = ?",
                              (cls, key)).fetchone()
            if row is None:
                return "wrong"
            if row["proof_fails"] >= NAME_PROOF_FREE and now - row["proof_at"] < NAME_PROOF_WAIT_S:
                return "wait"
            if given != row["code"]:
                con.execute("UPDATE names SET proof_fails = proof_fails + 1, proof_at = ? "
                            "WHERE class_code = ? AND trainee_key = ?", (now, cls, key))
                return "wrong"
            con.execute("UPDATE names SET proof_fails = 0 WHERE class_code = ? AND trainee_key = ?", (cls, key))
            con.execute("INSERT OR IGNORE INTO name_devices (class_code, trainee_key, device, trainee, first_at) "
                        "VALUES (?, ?, ?, ?, ?)", (cls, key, device, clean_name(trainee), now))
            return "ok"

    def name_codes(self, class_code: str) -> list[dict]:
        """The class's names: ``{"trainee", "code", "devices"}`` in the order they were first used."""
        rows = self._read(
            "SELECT n.trainee, n.code, COUNT(d.device) AS devices FROM names n LEFT JOIN name_devices d "
            "ON d.class_code = n.class_code AND d.trainee_key = n.trainee_key WHERE n.class_code = ? "
            "GROUP BY n.class_code, n.trainee_key ORDER BY n.created_at", (norm_code(class_code),))
        return [{"trainee": r["trainee"], "code": r["code"], "devices": int(r["devices"])} for r in rows]

    def shared_devices(self, class_code: str) -> list[list[str]]:
        """The names of each device that used two or more names in the class."""
        rows = self._read("SELECT device, trainee FROM name_devices WHERE class_code = ? ORDER BY first_at",
                          (norm_code(class_code),))
        by_device: dict[str, list[str]] = {}
        for r in rows:
            by_device.setdefault(r["device"], []).append(r["trainee"])
        return [names for names in by_device.values() if len(names) > 1]
