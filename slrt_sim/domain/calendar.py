"""The working calendar: when offices and fasilitators work.

The clock counts calendar days from the scenario's ``start_date`` at 00:00. Work is
measured in working minutes; :meth:`WorkCalendar.advance` turns "this much work from
now" into the calendar time it finishes, skipping nights, weekends and holidays.
A ``continuous`` calendar is open all day, every day (``advance`` is then plain
addition), which is what the M/M/c validation case uses.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from slrt_sim.domain.scenario import Calendar

MINUTES_PER_DAY = 1440.0


class WorkCalendar:
    """Fast conversions between calendar days and working minutes."""

    def __init__(self, cal: Calendar, horizon_days: float):
        self.kind = cal.kind
        self.continuous = cal.kind == "continuous"
        self.start_date = cal.start_date
        self.open = cal.open_hour / 24.0
        self.close = cal.close_hour / 24.0
        self.minutes_per_day = cal.hours_per_day * 60.0
        n = int(horizon_days) + 800  # beyond the horizon: work started late must finish somewhere
        self.n_days = n
        holidays = set(cal.holidays)
        workdays = set(cal.workdays)
        is_work = np.zeros(n + 1, dtype=bool)
        for d in range(n + 1):
            day = cal.start_date + dt.timedelta(days=d)
            is_work[d] = self.continuous or (day.weekday() in workdays and day not in holidays)
        if not is_work.any():
            is_work[:] = True
        self.is_work = is_work.tolist()
        nxt = np.empty(n + 2, dtype=np.int64)
        nxt[n + 1] = n + 1
        nxt[n] = n if is_work[n] else n + 1
        for d in range(n - 1, -1, -1):
            nxt[d] = d if is_work[d] else nxt[d + 1]
        self._next_work = nxt.tolist()

    # ------------------------------------------------------------------ queries
    def next_work_day(self, day: int) -> int:
        """The first working day at or after ``day`` (an integer day number)."""
        if day >= self.n_days:
            return day
        return self._next_work[day]

    def next_open(self, t: float) -> float:
        """The first moment at or after ``t`` when offices are open."""
        if self.continuous:
            return t
        d = int(t)
        frac = t - d
        if d < self.n_days and self.is_work[d]:
            if frac < self.open:
                return d + self.open
            if frac < self.close:
                return t
        return self.next_work_day(d + 1) + self.open

    def advance(self, t: float, minutes: float) -> float:
        """Calendar time at which ``minutes`` of work started at ``t`` are finished."""
        if self.continuous:
            return t + minutes / MINUTES_PER_DAY
        t = self.next_open(t)
        remaining = minutes / MINUTES_PER_DAY
        d = int(t)
        frac = t - d
        close = self.close
        while True:
            avail = close - frac
            if remaining <= avail:
                return d + frac + remaining
            remaining -= avail
            d = self.next_work_day(d + 1)
            frac = self.open

    def working_minutes(self, t0: float, t1: float) -> float:
        """Working minutes between calendar times ``t0`` and ``t1`` (``t0 <= t1``)."""
        if t1 <= t0:
            return 0.0
        if self.continuous:
            return (t1 - t0) * MINUTES_PER_DAY
        total = 0.0
        d0, d1 = int(t0), int(t1)
        for d in range(d0, min(d1, self.n_days - 1) + 1):
            if not self.is_work[d]:
                continue
            a = max(t0, d + self.open)
            b = min(t1, d + self.close)
            if b > a:
                total += (b - a) * MINUTES_PER_DAY
        return total

    def working_days(self, t0: float, t1: float) -> int:
        return sum(1 for d in range(int(t0), min(int(t1), self.n_days)) if self.is_work[d])

    def date_of(self, t: float) -> dt.date:
        return self.start_date + dt.timedelta(days=int(t))
