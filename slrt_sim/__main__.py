"""``python -m slrt_sim`` runs the ``slrt-sim`` command."""
import sys

from slrt_sim.cli import main

sys.exit(main())
