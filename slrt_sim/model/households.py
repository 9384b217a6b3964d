"""The households of a run: static columns, and the state a run changes (DTKS, documents, receipt).

The population's table is turned into plain Python lists once (``col``: fast scalar
access in the event loop) and numpy arrays (``arr``: vectorized draws at the start).
A run changes, per household: ``in_dtks`` and ``dtks_decile`` (at a determination),
``has_kk`` and ``missing_docs`` (after Dukcapil), the programme receipt flags (at
enrolment), ``verified_decile`` (what a verval visit measured; 0 = never visited) and
``record_error`` (see :meth:`Households.draw_record_errors`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

COLUMNS = (
    "village_idx", "size", "true_decile", "poor", "n_child_0_6", "n_school_6_21", "n_out_of_school_7_18",
    "n_working_age", "has_pregnant", "has_elderly_60", "has_elderly_70", "has_disability",
    "has_severe_disability", "has_chronic", "house_unfit", "owns_land", "has_kk", "missing_docs",
    "in_dtks", "dtks_decile", "via_sktm", "receives_pkh", "receives_bpnt", "receives_pbi",
    "vulnerable", "atensi_target",
)
"""Household columns the model reads (the eligibility profile and the routing)."""


class Households:
    """The households of one replication (a fresh copy of the population's columns)."""

    def __init__(self, households: Any, n_villages: int):
        self.n = len(households)
        self.arr = {c: households[c].to_numpy() for c in COLUMNS if c in households.columns}
        self.col = {c: a.tolist() for c, a in self.arr.items()}
        self.verified_decile = [0] * self.n
        self.record_error = [0.0] * self.n
        self.dtks_start = (np.asarray(households["in_dtks"], dtype=bool).copy(),
                           np.asarray(households["true_decile"]).copy())
        order = np.argsort(self.arr["village_idx"], kind="stable")
        bounds = np.searchsorted(self.arr["village_idx"][order], np.arange(n_villages + 1))
        self.village_hh = [order[bounds[v]:bounds[v + 1]] for v in range(n_villages)]

    def profile(self, hh: int) -> dict:
        """What the eligibility rules read about household ``hh`` now."""
        prof = {k: v[hh] for k, v in self.col.items()}
        prof["verified_decile"] = self.verified_decile[hh]
        return prof

    def known_decile(self, hh: int) -> int:
        """The decile the offices know: a verval measurement, else the DTKS record, else 10 (unknown)."""
        return self.verified_decile[hh] or self.col["dtks_decile"][hh] or 10

    def documents_done(self, hh: int) -> None:
        """Dukcapil delivered: the household has its KK and documents."""
        self.col["has_kk"][hh] = True
        self.col["missing_docs"][hh] = False

    def snapshot_listing(self) -> None:
        """Make the DTKS listing as it is now the run's start listing (``dtks_start``): called at
        the end of the warm-up, so that "at the start" means at the start of the measured period."""
        self.dtks_start = (self.in_dtks().copy(), self.dtks_start[1])

    def in_dtks(self) -> np.ndarray:
        return np.asarray(self.col["in_dtks"], dtype=bool)

    def draw_record_errors(self, g: np.random.Generator, sd: float) -> None:
        """The persistent error of each household's recorded indicators (in deciles).

        A listed household's indicators are what its DTKS record shows: the error is the
        record's decile minus the true one, so a household listed by mistake keeps looking
        poor on every visit. An unlisted household's indicators, as a fasilitator records
        them, carry an error ``N(0, sd)`` drawn once: visiting again sees the same error
        (no averaging away). Only a verval (:meth:`verval`) replaces it."""
        arr = self.arr
        listed = np.asarray(arr["in_dtks"], dtype=bool)
        err = np.where(listed, np.asarray(arr["dtks_decile"], float) - np.asarray(arr["true_decile"], float),
                       g.normal(0.0, sd, self.n) if sd > 0 else 0.0)
        self.record_error = err.tolist()

    def verval(self, hh: int, error: float) -> int:
        """A verval visit measures ``hh`` afresh (``error``: its own measurement error): the decile
        it records, which also corrects the household's recorded indicators."""
        d = self.measured_decile(hh, error)
        self.record_error[hh] = float(d - self.col["true_decile"][hh])
        self.verified_decile[hh] = d
        return d

    def measured_decile(self, hh: int, error: float) -> int:
        """The decile a visit records: the true one plus ``error``, rounded, within 1..10."""
        d = int(round(self.col["true_decile"][hh] + error))
        return min(10, max(1, d))
