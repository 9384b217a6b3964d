"""``python -m slrt_sim.server``: the class server (the same as ``slrt-sim serve``)."""
import sys

from slrt_sim.server.app import main

if __name__ == "__main__":
    sys.exit(main())
