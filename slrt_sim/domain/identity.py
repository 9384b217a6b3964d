"""Synthetic Indonesian identity numbers: NIK (national ID) and KK (family card).

Layouts (both 16 digits, as issued by Dukcapil):

* **NIK** = 6-digit region code (2 province + 2 regency + 2 kecamatan) + birth date
  ``DDMMYY`` with **40 added to the day for women** + 4-digit serial (0001–9999,
  counting people with the same region and birth date).
* **KK** = the same 6-digit region code + issue date ``DDMMYY`` + 4-digit serial.

The region code is the scenario's ``Kecamatan.code``. Every valid number starts with
a province code (11–96), so it never starts with ``0``: ``str(int_value)`` is exact and
arrays keep them as ``int64``. :func:`format_ids` pads with zeros anyway (a damaged record
with a dropped digit then shows a leading ``0``, which :func:`check_nik` flags).

Three layers:

* vectorized numpy functions (:func:`make_nik`, :func:`make_kk`, :func:`unique_serials`,
  :func:`mistype_ids`) used by :mod:`slrt_sim.domain.population` for millions of people;
* :class:`IndonesianIdProvider`, a Faker provider for one-off numbers in role-play stories;
* :func:`parse_nik`, :func:`check_nik` and :func:`mistype_nik`, used by the role-play apps
  to grade a typed NIK and to plant realistic data problems.

All numbers are synthetic: region codes come from the scenario, dates and serials are drawn.
"""
from __future__ import annotations

import datetime as dt
import random as _random
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from slrt_sim._lazy import np  # numpy only for making numbers in bulk (role-play kernels only check NIKs)

__all__ = [
    "PROVINCE_CODES", "NIK_PROBLEMS", "NikParts", "IndonesianIdProvider",
    "date_parts", "make_nik", "make_kk", "unique_serials", "format_ids", "mistype_ids",
    "parse_nik", "check_nik", "mistype_nik", "nik_problem_text",
]

PROVINCE_CODES = frozenset(
    [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
     61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97]
)
"""Two-digit province codes in use (Kemendagri/BPS, including the new Papua provinces)."""

NIK_PROBLEMS = ("length", "not_digits", "province", "region", "birth_date", "sex_day", "serial_zero")
"""Problem codes returned by :func:`check_nik`, in the order they are reported."""


@lru_cache(maxsize=1)
def _p10():
    """10**k, k = 0..15 (int64)."""
    return np.int64(10) ** np.arange(16, dtype=np.int64)


# --------------------------------------------------------------------------- vectorized
def date_parts(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1–12) and day (1–31) of a ``datetime64[D]`` array, as int64 arrays."""
    d = np.asarray(dates, dtype="datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _code6(region_code6: int | str | np.ndarray) -> np.ndarray:
    code = np.asarray(region_code6)
    if code.dtype.kind in "USO":
        code = code.astype(np.int64)
    code = code.astype(np.int64)
    if np.any((code < 110000) | (code > 999999)):
        raise ValueError("region codes must have 6 digits and start with a province code")
    return code


def _ddmmyy(dates: np.ndarray, female: np.ndarray | bool | None = None) -> np.ndarray:
    year, month, day = date_parts(dates)
    if female is not None:
        day = day + 40 * np.asarray(female, dtype=np.int64)
    return day * 10_000 + month * 100 + year % 100


def make_nik(region_code6, birth_date, female, serial) -> np.ndarray:
    """NIKs as int64: region code, birth ``DDMMYY`` (+40 on the day for women), serial.

    All arguments broadcast; ``birth_date`` is converted to ``datetime64[D]``.
    """
    serial = np.asarray(serial, dtype=np.int64)
    if np.any((serial < 0) | (serial > 9999)):
        raise ValueError("serials must be 0..9999")
    return _code6(region_code6) * 10**10 + _ddmmyy(birth_date, female) * 10**4 + serial


def make_kk(region_code6, issue_date, serial) -> np.ndarray:
    """KK (family card) numbers as int64: region code, issue ``DDMMYY``, serial."""
    serial = np.asarray(serial, dtype=np.int64)
    if np.any((serial < 0) | (serial > 9999)):
        raise ValueError("serials must be 0..9999")
    return _code6(region_code6) * 10**10 + _ddmmyy(issue_date) * 10**4 + serial


def unique_serials(prefix: np.ndarray, rng: np.random.Generator | None = None, *, shuffle: bool = True) -> np.ndarray:
    """Serials 1..9999 that are distinct among equal ``prefix`` values.

    With ``shuffle`` (needs ``rng``) the serials of one prefix go to its members in random
    order, otherwise in array order (enough when the array order is itself random).

    Within a prefix the serials run 1, 2, 3, … as Dukcapil numbers registrations; more
    than 9,999 equal prefixes wrap around (practically impossible for a real region).
    """
    prefix = np.asarray(prefix, dtype=np.int64)
    n = prefix.size
    if n == 0:
        return np.zeros(0, dtype=np.int16)
    # stable sort (identical on every platform); within a prefix, serials follow a random order
    perm = rng.permutation(n) if shuffle else None
    order = np.argsort(prefix if perm is None else prefix[perm], kind="stable")
    if perm is not None:
        order = perm[order]
    sp = prefix[order]
    idx = np.arange(n, dtype=np.int64)
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(sp[1:], sp[:-1], out=new[1:])
    start = np.maximum.accumulate(np.where(new, idx, 0))
    serial = np.empty(n, dtype=np.int16)
    serial[order] = ((idx - start) % 9999 + 1).astype(np.int16)
    return serial


def format_ids(values: np.ndarray | Iterable[int]) -> np.ndarray:
    """Zero-padded 16-character strings for an array of NIK/KK int64 values."""
    arr = np.asarray(values, dtype=np.int64)
    return np.char.zfill(arr.astype(str), 16)


def mistype_ids(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Vectorized :func:`mistype_nik` for int64 NIK/KK numbers (every value is changed).

    Kinds: 50% two adjacent digits swapped, 40% one digit changed, 10% one digit dropped
    (the record then has 15 digits; formatted with :func:`format_ids` it starts with ``0``).
    """
    v = np.asarray(values, dtype=np.int64)
    n = v.size
    if n == 0:
        return v.copy()
    # digits[:, 0] is the leftmost digit
    digits = (v[:, None] // _p10()[::-1][None, :]) % 10
    kind = rng.choice(3, size=n, p=[0.5, 0.4, 0.1])
    rows = np.arange(n)
    out = digits.copy()
    # swap: choose a position whose right neighbour differs (fall back to "change")
    diff = digits[:, :-1] != digits[:, 1:]
    key = rng.random((n, 15)) * diff
    pos = np.argmax(key, axis=1)
    can_swap = diff[rows, pos]
    swap = (kind == 0) & can_swap
    change = (kind == 1) | ((kind == 0) & ~can_swap)
    drop = kind == 2
    r = rows[swap]
    p = pos[swap]
    out[r, p], out[r, p + 1] = digits[r, p + 1], digits[r, p]
    # change: one digit replaced by another (never a leading 0)
    r = rows[change]
    p = rng.integers(0, 16, size=r.size)
    old = digits[r, p]
    low = (p == 0).astype(np.int64)  # the first digit is never changed to 0
    k = low + (rng.random(r.size) * (9 - low)).astype(np.int64)  # low..8, then skip the old digit
    new = np.where(k >= old, k + 1, k)
    out[r, p] = new
    result = (out * _p10()[::-1][None, :]).sum(axis=1)
    # drop: remove one digit (the number gets 15 digits)
    r = rows[drop]
    if r.size:
        p = rng.integers(0, 16, size=r.size)  # position from the left
        # keep the digits left of p (shifted one place) and those right of p
        high = v[r] // (_p10()[15 - p] * 10)
        low_part = v[r] % _p10()[15 - p]
        result[r] = high * _p10()[15 - p] + low_part
    return result.astype(np.int64)


# --------------------------------------------------------------------------- Faker provider
def _provider_class() -> type:
    """Define the Faker provider on first use: importing Faker costs ~45 MiB, which the
    role-play kernels (that only check NIKs) must not pay."""
    from faker.providers import BaseProvider

    class IndonesianIdProvider(BaseProvider):
        """Faker provider for one-off synthetic NIK and KK numbers (role-play stories).

        >>> from faker import Faker
        >>> fake = Faker("id_ID"); fake.add_provider(IndonesianIdProvider)
        >>> fake.nik("337501", dt.date(1990, 5, 17), female=True)[6:12]
        '570590'
        """

        def _region(self, region_code6: str | int | None) -> str:
            if region_code6 is None:
                prov = self.random_element(sorted(PROVINCE_CODES))
                return f"{prov:02d}{self.random_int(1, 79):02d}{self.random_int(1, 30):02d}"
            code = str(region_code6)
            if len(code) != 6 or not code.isdigit() or int(code[:2]) not in PROVINCE_CODES:
                raise ValueError(f"region code must be 6 digits starting with a province code, not {code!r}")
            return code

        def nik(self, region_code6: str | int | None = None, birth_date: dt.date | None = None,
                female: bool | None = None) -> str:
            """A 16-digit NIK for a person born on ``birth_date`` in region ``region_code6``."""
            code = self._region(region_code6)
            if birth_date is None:
                birth_date = self.generator.date_of_birth(minimum_age=0, maximum_age=90)
            if female is None:
                female = self.random_int(0, 1) == 1
            day = birth_date.day + (40 if female else 0)
            serial = self.random_int(1, 999)
            return f"{code}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"

        def kk(self, region_code6: str | int | None = None, issue_date: dt.date | None = None) -> str:
            """A 16-digit family-card (KK) number issued on ``issue_date`` in ``region_code6``."""
            code = self._region(region_code6)
            if issue_date is None:
                issue_date = self.generator.date_between(start_date="-15y", end_date="today")
            serial = self.random_int(1, 999)
            return f"{code}{issue_date.day:02d}{issue_date.month:02d}{issue_date.year % 100:02d}{serial:04d}"

    return IndonesianIdProvider


def __getattr__(name: str):
    if name == "IndonesianIdProvider":
        cls = globals()[name] = _provider_class()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- parsing and checking
@dataclass(frozen=True)
class NikParts:
    """The fields of a 16-digit NIK (``female`` is read from the day field)."""

    text: str
    province: str
    regency: str
    kecamatan: str
    day_field: int
    month: int
    year2: int
    serial: int

    @property
    def region_code(self) -> str:
        return self.province + self.regency + self.kecamatan

    @property
    def female(self) -> bool:
        return self.day_field > 40

    @property
    def day(self) -> int:
        return self.day_field - 40 if self.day_field > 40 else self.day_field

    def birth_date(self, reference: dt.date | None = None) -> dt.date | None:
        """The birth date, choosing the century so it is not after ``reference`` (default today).

        ``None`` when the encoded day and month do not form a real date.
        """
        ref = reference or dt.date.today()
        year = 2000 + self.year2
        if year > ref.year:
            year -= 100
        try:
            born = dt.date(year, self.month, self.day)
        except ValueError:
            return None
        if born > ref:
            try:
                born = dt.date(year - 100, self.month, self.day)
            except ValueError:
                return None
        return born


def _clean(text: str | int) -> str:
    return "".join(str(text).split())  # spaces between digit groups are formatting, not errors


def parse_nik(text: str | int) -> NikParts:
    """Split a NIK into its fields; ``ValueError`` unless it is exactly 16 digits.

    Spaces are ignored (``"3375 0112 9000 0001"`` is read as one number).
    """
    s = _clean(text)
    if len(s) != 16 or not (s.isascii() and s.isdigit()):
        raise ValueError(f"a NIK has 16 digits: {text!r}")
    return NikParts(text=s, province=s[:2], regency=s[2:4], kecamatan=s[4:6],
                    day_field=int(s[6:8]), month=int(s[8:10]), year2=int(s[10:12]), serial=int(s[12:]))


def _valid_dm(day: int, month: int, year2: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    # a two-digit year ending 00 may be 1900 (not leap) or 2000 (leap): accept 29 Feb
    leap_possible = year2 % 4 == 0
    limit = [31, 29 if leap_possible else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return day <= limit


def check_nik(text: str | int, *, kecamatan_code: str | int | None = None,
              birth_date: dt.date | None = None, female: bool | None = None) -> list[str]:
    """Problems with a typed NIK, as codes from :data:`NIK_PROBLEMS` (empty list: looks right).

    * ``length`` / ``not_digits`` — not 16 digits (nothing else is checked then);
    * ``province`` — the first two digits are not a province code;
    * ``region`` — the first six digits differ from ``kecamatan_code`` (when given);
    * ``birth_date`` — the day/month field is not a real date (day 32–40 or over 71,
      month 0 or over 12, 30 February …), or differs from ``birth_date`` (when given);
    * ``sex_day`` — the +40 day rule disagrees with ``female`` (when given);
    * ``serial_zero`` — the serial is 0000.

    Labels for the codes: :func:`nik_problem_text`.
    """
    s = _clean(text)
    problems: list[str] = []
    if len(s) != 16:
        problems.append("length")
    if not (s.isascii() and s.isdigit()):
        problems.append("not_digits")
    if problems:
        return problems
    p = parse_nik(s)
    if int(p.province) not in PROVINCE_CODES:
        problems.append("province")
    if kecamatan_code is not None and p.region_code != str(kecamatan_code).zfill(6):
        problems.append("region")
    date_ok = (p.day_field <= 31 or p.day_field > 40) and _valid_dm(p.day, p.month, p.year2)
    if not date_ok:
        problems.append("birth_date")
    elif birth_date is not None and (p.day, p.month, p.year2) != (birth_date.day, birth_date.month, birth_date.year % 100):
        problems.append("birth_date")
    if female is not None and p.female != bool(female):
        problems.append("sex_day")
    if p.serial == 0:
        problems.append("serial_zero")
    return problems


def nik_problem_text(code: str, lang: str | None = None) -> str:
    """The user-facing label of a :func:`check_nik` problem code (catalogue ``pop.nik.*``)."""
    from slrt_sim.i18n import t

    return t(f"pop.nik.{code}", lang)


def mistype_nik(nik_str: str | int, rng: np.random.Generator | _random.Random | None = None,
                kind: str | None = None) -> str:
    """A realistic photocopy/typing error in a NIK (or KK) string; always differs from the input.

    ``kind`` is ``"swap"`` (two adjacent different digits swapped), ``"change"`` (one digit
    replaced) or ``"drop"`` (one digit left out); by default drawn 50/40/10 from ``rng``
    (a numpy ``Generator`` or ``random.Random``; default: a fresh unseeded generator).
    """
    s = _clean(nik_str)
    if not s:
        raise ValueError("empty number")
    if rng is None:
        rng = np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        rand = lambda: float(rng.random())  # noqa: E731
    else:
        rand = rng.random

    def pick(n: int) -> int:
        return min(int(rand() * n), n - 1)

    if kind is None:
        u = rand()
        kind = "swap" if u < 0.5 else "change" if u < 0.9 else "drop"
    if kind == "swap":
        spots = [i for i in range(len(s) - 1) if s[i] != s[i + 1]]
        if not spots:
            kind = "change"
        else:
            i = spots[pick(len(spots))]
            return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if kind == "change":
        i = pick(len(s))
        choices = [c for c in "0123456789" if c != s[i] and not (i == 0 and c == "0")]
        return s[:i] + choices[pick(len(choices))] + s[i + 1:]
    if kind == "drop":
        i = pick(len(s))
        return s[:i] + s[i + 1:]
    raise ValueError(f"unknown kind {kind!r}; expected swap, change or drop")
