"""NIK and KK numbers: layout, parsing, checking, planted typing errors."""
from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from faker import Faker

from slrt_sim.domain.identity import (
    NIK_PROBLEMS, IndonesianIdProvider, check_nik, format_ids, make_kk, make_nik, mistype_ids,
    mistype_nik, nik_problem_text, parse_nik, unique_serials,
)

BORN = dt.date(1987, 3, 9)
REF = dt.date(2025, 1, 6)


@pytest.fixture()
def fake() -> Faker:
    f = Faker("id_ID")
    f.add_provider(IndonesianIdProvider)
    f.seed_instance(7)
    return f


# --------------------------------------------------------------------------- layout
def test_make_nik_layout_man_and_woman():
    dates = np.array([BORN, BORN], dtype="datetime64[D]")
    niks = make_nik("337501", dates, np.array([False, True]), np.array([12, 3]))
    man, woman = (str(x) for x in niks)
    assert man == "3375010903870012"
    assert woman == "3375014903870003"  # day 09 + 40 = 49
    assert all(len(s) == 16 for s in (man, woman))


def test_make_kk_layout():
    kk = make_kk(np.array([337502]), np.array(["2019-12-31"], dtype="datetime64[D]"), np.array([45]))
    assert str(kk[0]) == "3375023112190045"


def test_make_nik_rejects_bad_region_and_serial():
    with pytest.raises(ValueError):
        make_nik("12345", np.array([BORN], dtype="datetime64[D]"), False, 1)
    with pytest.raises(ValueError):
        make_nik("337501", np.array([BORN], dtype="datetime64[D]"), False, 10_000)


def test_format_ids_pads_to_16():
    out = format_ids(np.array([3375010903870012, 337501090387001]))
    assert list(out) == ["3375010903870012", "0337501090387001"]


def test_faker_provider_nik_and_kk(fake):
    nik = fake.nik("337501", BORN, female=True)
    assert len(nik) == 16 and nik.isdigit()
    assert nik.startswith("337501490387")
    assert int(nik[12:]) >= 1
    assert check_nik(nik, kecamatan_code="337501", birth_date=BORN, female=True) == []
    kk = fake.kk("337501", dt.date(2020, 2, 1))
    assert kk.startswith("337501010220") and len(kk) == 16 and kk.isdigit()
    # defaults still give valid numbers
    for _ in range(50):
        assert check_nik(fake.nik()) == []
    with pytest.raises(ValueError):
        fake.nik("007501", BORN, False)


def test_faker_provider_is_seeded():
    a, b = Faker("id_ID"), Faker("id_ID")
    for f in (a, b):
        f.add_provider(IndonesianIdProvider)
        f.seed_instance(3)
    assert [a.nik() for _ in range(5)] == [b.nik() for _ in range(5)]


# --------------------------------------------------------------------------- serials
def test_unique_serials_distinct_within_prefix():
    rng = np.random.default_rng(0)
    prefix = rng.integers(0, 50, 5000)
    serial = unique_serials(prefix, rng)
    assert serial.min() == 1
    pairs = prefix.astype(np.int64) * 10_000 + serial
    assert np.unique(pairs).size == prefix.size
    # serials of a prefix are exactly 1..count
    for p in (0, 17, 49):
        s = np.sort(serial[prefix == p])
        assert np.array_equal(s, np.arange(1, s.size + 1))


def test_unique_serials_without_shuffle_follow_array_order():
    serial = unique_serials(np.array([5, 3, 5, 5, 3]), shuffle=False)
    assert list(serial) == [1, 1, 2, 3, 2]


# --------------------------------------------------------------------------- parse and check
def test_parse_round_trip():
    nik = str(make_nik("337501", np.array([BORN], dtype="datetime64[D]"), True, 7)[0])
    p = parse_nik(nik)
    assert p.region_code == "337501" and p.province == "33" and p.regency == "75" and p.kecamatan == "01"
    assert p.female and p.day == 9 and p.day_field == 49 and p.month == 3 and p.serial == 7
    assert p.birth_date(REF) == BORN
    assert parse_nik("3375 0149 0387 0007") == p  # spaces are formatting


def test_parse_century_and_invalid_date():
    p = parse_nik("3375010101200001")
    assert p.birth_date(REF) == dt.date(2020, 1, 1)
    assert parse_nik("3375010101300001").birth_date(REF) == dt.date(1930, 1, 1)
    assert parse_nik("3375013002900001").birth_date(REF) is None
    with pytest.raises(ValueError):
        parse_nik("33750101012000")


VALID = "3375014903870003"  # woman born 9 March 1987, kecamatan 337501


@pytest.mark.parametrize("text, kwargs, expected", [
    (VALID, {}, []),
    (VALID, {"kecamatan_code": "337501", "birth_date": BORN, "female": True}, []),
    ("337501490387000", {}, ["length"]),
    ("33750149038700031", {}, ["length"]),
    ("33750149O3870003", {}, ["not_digits"]),
    ("337501490387000", {"female": True}, ["length"]),
    ("0075014903870003", {}, ["province"]),
    ("2075014903870003", {}, ["province"]),
    (VALID, {"kecamatan_code": "337502"}, ["region"]),
    ("3375013503870003", {}, ["birth_date"]),     # day field 35: neither a man's nor a woman's day
    ("3375014913870003", {}, ["birth_date"]),     # month 13
    ("3375017002870003", {}, ["birth_date"]),     # 30 February (woman)
    ("3375010000870003", {}, ["birth_date"]),     # day 0, month 0
    (VALID, {"birth_date": dt.date(1987, 3, 10)}, ["birth_date"]),
    (VALID, {"birth_date": dt.date(1978, 3, 9)}, ["birth_date"]),
    (VALID, {"female": False}, ["sex_day"]),
    ("3375010903870003", {"female": True, "birth_date": BORN}, ["sex_day"]),
    ("3375014903870000", {}, ["serial_zero"]),
    ("3375024903880000", {"kecamatan_code": 337501, "birth_date": BORN, "female": False},
     ["region", "birth_date", "sex_day", "serial_zero"]),
])
def test_check_nik(text, kwargs, expected):
    assert check_nik(text, **kwargs) == expected


def test_check_nik_accepts_29_february_and_spaces():
    assert check_nik("3375016902000001") == []      # 29 Feb 2000, woman
    assert check_nik("3375012902010001") == ["birth_date"]  # 29 Feb 2001 does not exist
    assert check_nik(" 3375 0149 0387 0003 ") == []


def test_problem_codes_have_labels():
    for code in NIK_PROBLEMS:
        assert nik_problem_text(code, "id") and nik_problem_text(code, "en")


# --------------------------------------------------------------------------- planted errors
def test_mistype_nik_kinds():
    rng = np.random.default_rng(1)
    for _ in range(200):
        swapped = mistype_nik(VALID, rng, kind="swap")
        assert swapped != VALID and len(swapped) == 16 and sorted(swapped) == sorted(VALID)
        diff = [i for i in range(16) if swapped[i] != VALID[i]]
        assert len(diff) == 2 and diff[1] == diff[0] + 1
        changed = mistype_nik(VALID, rng, kind="change")
        assert len(changed) == 16 and sum(a != b for a, b in zip(changed, VALID)) == 1
        assert changed[0] != "0"
        dropped = mistype_nik(VALID, rng, kind="drop")
        assert len(dropped) == 15 and "length" in check_nik(dropped)
    with pytest.raises(ValueError):
        mistype_nik(VALID, rng, kind="smudge")


def test_mistype_nik_mix_and_reproducible():
    out = [mistype_nik(VALID, np.random.default_rng(s)) for s in range(400)]
    assert all(o != VALID for o in out)
    drops = sum(len(o) == 15 for o in out)
    assert 15 <= drops <= 70  # about 10%
    assert mistype_nik(VALID, np.random.default_rng(9)) == mistype_nik(VALID, np.random.default_rng(9))
    assert mistype_nik(VALID, random.Random(4)) == mistype_nik(VALID, random.Random(4))


def test_mistype_nik_swap_falls_back_when_all_digits_equal():
    assert mistype_nik("1111111111111111", np.random.default_rng(0), kind="swap") != "1111111111111111"


def test_mistype_ids_vectorized():
    rng = np.random.default_rng(2)
    dates = np.array(["1990-01-01"] * 3000, dtype="datetime64[D]") + rng.integers(0, 9000, 3000)
    niks = make_nik(337501, dates, rng.random(3000) < 0.5, rng.integers(1, 30, 3000))
    bad = mistype_ids(niks, rng)
    assert bad.dtype == np.int64 and np.all(bad != niks)
    n15 = (bad < 10**15).sum()
    assert 200 <= n15 <= 420  # about 10% dropped a digit
    s_good, s_bad = format_ids(niks), format_ids(bad)
    full = bad >= 10**15
    # 16-digit errors differ in one digit (change) or two adjacent ones (swap)
    ndiff = np.array([sum(a != b for a, b in zip(g, b_)) for g, b_ in zip(s_good[full], s_bad[full])])
    assert set(np.unique(ndiff)) <= {1, 2}
    assert np.array_equal(mistype_ids(niks, np.random.default_rng(5)), mistype_ids(niks, np.random.default_rng(5)))
