"""The live kelurahan: a team staffs the model's desks while it runs (docs/developer.md, "Live kelurahan").

* :mod:`.game` — :class:`~slrt_sim.training.live.game.Game`, one team's game: its clock, desks and answers;
* :mod:`.projector` — what the projector shows of a game;
* :mod:`.bots` — players with a set speed and accuracy;
* :mod:`.debrief` — the game against the same arrivals played by the rules.
"""
