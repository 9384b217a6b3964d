"""``python -m slrt_sim.server``: the class server (Voila with the kit's additions)."""
from slrt_sim.server.app import main

if __name__ == "__main__":
    main()
