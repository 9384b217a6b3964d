import datetime as dt

import pytest

from slrt_sim.domain.calendar import WorkCalendar
from slrt_sim.domain.scenario import Calendar

MONDAY = dt.date(2025, 1, 6)


def cal(**kw):
    return WorkCalendar(Calendar(start_date=MONDAY, **kw), 60)


def test_work_within_a_day():
    c = cal()
    start = 0 + 9 / 24  # Monday 09:00
    assert c.advance(start, 60) == pytest.approx(10 / 24)


def test_work_carries_over_night_and_weekend():
    c = cal()
    friday_1530 = 4 + 15.5 / 24
    end = c.advance(friday_1530, 60)  # 30 min Friday, 30 min Monday from 08:00
    assert end == pytest.approx(7 + 8.5 / 24)


def test_next_open_skips_holiday():
    c = cal(holidays=[MONDAY + dt.timedelta(days=1)])
    assert c.next_open(0 + 17 / 24) == pytest.approx(2 + 8 / 24)  # Monday evening -> Wednesday 08:00


def test_continuous_calendar_is_plain_time():
    c = cal(kind="continuous")
    assert c.advance(3.25, 1440) == pytest.approx(4.25)
    assert c.working_minutes(0, 2) == pytest.approx(2880)


def test_working_minutes_count_only_open_hours():
    c = cal()
    assert c.working_minutes(0, 7) == pytest.approx(5 * 8 * 60)
    assert c.working_days(0, 14) == 10
