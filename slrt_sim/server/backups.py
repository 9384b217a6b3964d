"""The class server's database backups: one at start and every 10 minutes.

:func:`start` is called by :meth:`slrt_sim.server.app.SlrtVoila.start` once the database has
passed its health check (:func:`slrt_sim.training.store.prepare`: a fault is one line and exit
status 2, instead of serving a class that could not save). Backups are
made in a worker thread (:func:`slrt_sim.training.store_health.backup`), so a large database never
holds the server's event loop; a failed backup is a warning, and the next one is tried anyway.
"""
from __future__ import annotations

import asyncio
import logging

from slrt_sim.training import store_health
from slrt_sim.training.store import default_db_path

__all__ = ["start"]

log = logging.getLogger("slrt_sim.hall")


def _backup(path) -> None:
    try:
        copy = store_health.backup(path)
        if copy is not None:
            log.info("Database backup: %s", copy)
    except Exception as exc:  # noqa: BLE001 - a backup must never stop the class
        log.warning("Database backup of %s failed: %s", path, exc)


def start(interval_s: float = store_health.INTERVAL_S, path=None) -> None:
    """Back the database up now and every ``interval_s`` seconds once the server's loop runs (the
    server has checked it, see :func:`slrt_sim.training.store.prepare`); none with ``interval_s <= 0``."""
    path = path or default_db_path()
    _backup(path)
    if interval_s <= 0:
        return
    from tornado.ioloop import IOLoop

    async def every() -> None:
        while True:
            await asyncio.sleep(interval_s)
            await asyncio.get_running_loop().run_in_executor(None, _backup, path)

    IOLoop.current().add_callback(every)
