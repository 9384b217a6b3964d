"""Serving a class: Voila with a class-sized kernel pool, a kernel cap and kernel-free pages.

* :mod:`slrt_sim.server.app` — ``SlrtVoila`` and :func:`~slrt_sim.server.app.main`, what
  ``slrt-sim serve``, ``python -m slrt_sim.server`` and ``make app`` run;
* :mod:`slrt_sim.server.kernels` — the kernel manager's cap, pool bound and culling;
* :mod:`slrt_sim.server.pages` — the landing page and the "server full" page (no kernel);
* :mod:`slrt_sim.server.kernel` — the served kernel (IPython without the debugger);
* :mod:`slrt_sim.server.warm` — builds the class cases once at start (:mod:`slrt_sim.training.case_cache`).

Importing this package imports nothing (the kernel launcher must start light).
"""
