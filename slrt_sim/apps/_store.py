"""The session store as the apps use it: opened on first use (so a pre-heated kernel does not open
it early), and a progress save that tells the trainee when the store refused it.

Decision (a refused save): the store raises :class:`~slrt_sim.training.store.SaveRefused` (size
bound, disk full, database locked, read-only or damaged file) and logs it for the trainer;
:func:`save_progress` turns it into one Indonesian line (catalogue ``hall.save.refused`` with the
reason) that the app shows beside its form. The widgets are never touched, so everything typed
stays on the screen, and the app's in-memory state keeps it: the next accepted save stores it all
and clears the line.
"""
from __future__ import annotations

import html
from typing import Any

REFUSED_CLASS = "slrt-save-refused"
"""CSS class of the line shown for a refused save (tests and the browser look for it)."""


class LazyStore:
    """Mixin: ``self.store`` is the ``SessionStore`` given to the app, or one opened on first use."""

    _store = None

    @property
    def store(self):
        if self._store is None:
            from slrt_sim.training.store import SessionStore

            self._store = SessionStore()
        return self._store


def refused_html(exc: Exception) -> str:
    """The one line shown for a refused save (``exc`` has the store's catalogue ``message()``)."""
    return f'<span class="slrt-bad {REFUSED_CLASS}">{html.escape(exc.message())}</span>'


def save_progress(store: Any, trainee: str, class_code: str, app: str, state: dict) -> str | None:
    """Save ``state``; ``None`` once saved, else the HTML line telling the trainee it was not and why."""
    from slrt_sim.training.store import SaveRefused

    try:
        store.save_progress(trainee, class_code, app, state)
    except SaveRefused as exc:
        return refused_html(exc)
    return None
