"""``python -m benchmarks``: the same as ``benchmarks/run.py`` (what ``make bench`` runs)."""
import sys

from benchmarks.run import main

sys.exit(main())
