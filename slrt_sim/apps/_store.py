"""The session store an app opens on first use (so a pre-heated kernel does not open it early)."""
from __future__ import annotations


class LazyStore:
    """Mixin: ``self.store`` is the ``SessionStore`` given to the app, or one opened on first use."""

    _store = None

    @property
    def store(self):
        if self._store is None:
            from slrt_sim.training.store import SessionStore

            self._store = SessionStore()
        return self._store
