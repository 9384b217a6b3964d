"""``python -m slrt_sim.server.warm``: build the class cases before the server's kernels start.

Run by :meth:`slrt_sim.server.app.SlrtVoila.warm_cases` in a child process (pandas and Faker
stay out of the server). Adds the practice class to ``SLRT_DB`` if missing, then builds it and the newest classes of ``SLRT_DB`` into
``SLRT_CACHE_DIR`` (:mod:`slrt_sim.training.case_cache`) — the classes the apps' pre-heated kernels
load (front office and back office) — so no kernel has to generate a population.
"""
from __future__ import annotations

import sys

from slrt_sim.apps.front_office import WARM_CLASSES
from slrt_sim.training import case_cache
from slrt_sim.training.core import PRACTICE_CLASS

_PRACTICE = (PRACTICE_CLASS["code"], PRACTICE_CLASS["seed"], PRACTICE_CLASS["level"])


def ensure_practice_class() -> None:
    """The practice class is in the database before the class arrives: 70 kernels creating it
    at the same second would only contend for the database."""
    from slrt_sim.training.store import SessionStore

    try:
        store = SessionStore()
        store.reset_pin_failures(None)  # a new server (perhaps a new PIN): nobody is throttled
        if store.get_class(_PRACTICE[0]) is None:
            store.create_class(*_PRACTICE, trainer="")
    except Exception:  # noqa: BLE001 - best effort: the app creates it on first use otherwise
        pass


def warm(classes: list[tuple[str, int, str]]) -> int:
    """Build the cache files of ``classes`` (code, seed, level): the front office's cases and DTKS,
    the back office's queue and its DTKS."""
    from slrt_sim.training import back_office, front_office

    for code, seed, level in classes:
        front_office.build_cases(code, seed, level)
        front_office.class_dtks(code, seed, level)
        back_office.build_queue(code, seed, level).dtks
    return len(classes)


def main() -> int:
    ensure_practice_class()
    if case_cache.cache_dir() is None:
        return 0
    classes = list(dict.fromkeys([_PRACTICE] + case_cache.store_classes(WARM_CLASSES)))
    warm(classes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
