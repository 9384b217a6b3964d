"""``python -m slrt_sim.server.warm``: build the class cases before the server's kernels start.

Run by :meth:`slrt_sim.server.app.SlrtVoila.warm_cases` in a child process (pandas and Faker
stay out of the server). Adds the practice class to ``SLRT_DB`` if missing, then builds it and the newest classes of ``SLRT_DB`` into
``SLRT_CACHE_DIR`` (:mod:`slrt_sim.case_cache`) — the classes the apps' pre-heated kernels
load — so no kernel has to generate a population.
"""
from __future__ import annotations

import sys

from slrt_sim import case_cache
from slrt_sim.widgets.front_office import PRACTICE_CLASS, WARM_CLASSES


def ensure_practice_class() -> None:
    """The practice class is in the database before the class arrives: 70 kernels creating it
    at the same second would only contend for the database."""
    from slrt_sim.store import SessionStore

    try:
        store = SessionStore()
        if store.get_class(PRACTICE_CLASS[0]) is None:
            store.create_class(*PRACTICE_CLASS, trainer="")
    except Exception:  # noqa: BLE001 - best effort: the app creates it on first use otherwise
        pass


def main() -> int:
    ensure_practice_class()
    if case_cache.cache_dir() is None:
        return 0
    classes = list(dict.fromkeys([PRACTICE_CLASS] + case_cache.store_classes(WARM_CLASSES)))
    case_cache.warm(classes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
