"""Training layer: the front-office and back-office role plays on one core.

* :mod:`~slrt_sim.training.core` — levels, the practice class, the training population and its
  calendar, class randomness, member rows, documents, the one simulated-DTKS search;
* :mod:`~slrt_sim.training.stories` — what a resident brings and says;
* :mod:`~slrt_sim.training.front_office` / :mod:`~slrt_sim.training.back_office` — the cases (a
  class's walk-ins / a class's queue) and their answer keys;
* :mod:`~slrt_sim.training.fo_grading` / :mod:`~slrt_sim.training.bo_grading` — grading as a
  table of small graders, each giving points and the rule that explains them;
* :mod:`~slrt_sim.training.letters` — the referral letter; :mod:`~slrt_sim.training.cards` — the
  printable case cards; :mod:`~slrt_sim.training.views` — HTML views shared with the apps;
* :mod:`~slrt_sim.training.dashboard` — the trainer dashboard's logic (PIN, sections, export);
* :mod:`~slrt_sim.training.store` — the session store; :mod:`~slrt_sim.training.inputs` — limits
  on typed input.
* :mod:`~slrt_sim.training.outcomes` / :mod:`~slrt_sim.training.bo_outcomes` — what the FO / BO
  decisions do to the class's households, played in the simulation against the answer key;
  :mod:`~slrt_sim.training.class_outcomes` — the class's kelurahan for the trainer.

Depends on :mod:`slrt_sim.domain`; never on :mod:`slrt_sim.apps`.
"""
