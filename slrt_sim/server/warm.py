"""``python -m slrt_sim.server.warm``: build the class cases before the server's kernels start.

Run by :meth:`slrt_sim.server.app.SlrtVoila.warm_cases` in a child process (pandas and Faker
stay out of the server). Builds the practice class and the newest classes of ``SLRT_DB`` into
``SLRT_CACHE_DIR`` (:mod:`slrt_sim.case_cache`) — the classes the apps' pre-heated kernels
load — so no kernel has to generate a population.
"""
from __future__ import annotations

import sys

from slrt_sim import case_cache
from slrt_sim.widgets.front_office import PRACTICE_CLASS, WARM_CLASSES


def main() -> int:
    if case_cache.cache_dir() is None:
        return 0
    classes = list(dict.fromkeys([PRACTICE_CLASS] + case_cache.store_classes(WARM_CLASSES)))
    case_cache.warm(classes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
