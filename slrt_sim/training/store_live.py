"""The live games' debriefs, kept with the class's results (part of the session store).

:class:`LiveDebriefs` is mixed into :class:`slrt_sim.training.store.SessionStore`, which supplies
the connections (``_refused_write``, ``_read``) and ``_bounded_json``; its table (:data:`SCHEMA`: ``live_debriefs``) is created
with the store's. The lobby (:mod:`slrt_sim.training.live.lobby`) saves an ended game's debrief
once under the class the trainer chose at the start (else the players' class); the dashboard
reads them per class for its tables and exports (:mod:`slrt_sim.training.dashboard`). A debrief
is stored as bounded JSON (:func:`slrt_sim.training.store.bounded`, at most
:data:`MAX_DEBRIEF_BYTES`); a write SQLite refuses raises
:class:`~slrt_sim.training.store.SaveRefused` as a trainee's submission does.
"""
from __future__ import annotations

import json
import time

from slrt_sim.training.inputs import MAX_NAME
from slrt_sim.training.store_names import norm_code

__all__ = ["LiveDebriefs", "SCHEMA", "MAX_DEBRIEF_BYTES"]

MAX_DEBRIEF_BYTES = 1_000_000
"""A live game's debrief, as JSON, at most (a 30-day game's is ~50 kB)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS live_debriefs (
    class_code  TEXT NOT NULL,
    game        TEXT NOT NULL,
    debrief     TEXT NOT NULL,
    saved_at    REAL NOT NULL,
    PRIMARY KEY (class_code, game, saved_at)
);
"""


class LiveDebriefs:
    """The store's live debriefs (see the module docstring)."""

    def save_debrief(self, class_code: str, game: str, debrief: dict) -> None:
        """Keep an ended live game's debrief (:func:`slrt_sim.training.live.debrief.debrief`) with
        the class's results; :class:`~slrt_sim.training.store.SaveRefused` (``hall.submit.refused``)
        when SQLite refuses."""
        with self._refused_write("hall.submit.refused", "", class_code, "live", "debrief") as con:
            text = self._bounded_json(debrief, MAX_DEBRIEF_BYTES, "debrief")
            con.execute("INSERT INTO live_debriefs (class_code, game, debrief, saved_at) VALUES (?,?,?,?)",
                        (norm_code(class_code), str(game)[:MAX_NAME], text, time.time()))

    def debriefs(self, class_code: str) -> list[dict]:
        """The class's saved debriefs, oldest first: ``{"game", "saved_at", "debrief"}``."""
        rows = self._read("SELECT game, debrief, saved_at FROM live_debriefs WHERE class_code = ? "
                          "ORDER BY saved_at, game", (norm_code(class_code),))
        return [{"game": r["game"], "saved_at": float(r["saved_at"]), "debrief": json.loads(r["debrief"])}
                for r in rows]

    def n_debriefs(self, class_code: str) -> int:
        """How many debriefs the class has (the dashboard redraws when it changes)."""
        return int(self._read("SELECT COUNT(*) FROM live_debriefs WHERE class_code = ?",
                              (norm_code(class_code),))[0][0])
