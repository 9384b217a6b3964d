"""Training layer: the front-office and back-office role plays (cases, answer keys,
grading), the session store, the trainer dashboard's logic and printable case cards.

Depends on :mod:`slrt_sim.domain` (and, for outcomes, the model and experiments);
never on :mod:`slrt_sim.apps`.
"""
