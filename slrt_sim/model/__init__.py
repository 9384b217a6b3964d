"""Model layer: one SimPy replication of the SLRT flow on a scenario and a population.

Depends only on :mod:`slrt_sim.domain`.
"""
