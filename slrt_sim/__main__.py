"""``python -m slrt_sim`` runs the ``slrt-sim`` command."""
import sys

from .cli import main

sys.exit(main())
