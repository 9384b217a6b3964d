"""The welfare indicators a verval home visit records, and the one rule that turns them into a decile.

The DTKS does not see a household's consumption: a fasilitator visits, records a few welfare
indicators (the house, the land, the head's work, the household's size and its assets) and the
database ranks the household by a score of those indicators (a *proxy means test*). This module
is that rule, once: :func:`indicator_decile` gives the decile of a recording, whoever made it —
the answer key of the home-visit practice (the household's true indicators) and the trainee's
recording go through the same function, so a difference in decile is a difference in recording.

The rule (every number an assumption, chosen so that the decile of a household's true indicators
is within one of its consumption decile for about half of the training kelurahan's households
and poor households score poorer; the real DTKS model is a regression on ~30 indicators):

==================  =====================================================  ===========
indicator           value -> points (more points: poorer)                   range
==================  =====================================================  ===========
floor               tanah 3, plester 1, keramik 0                           0-3
wall                bambu 3, kayu 2, tembok 0                               0-3
roof                rumbia 2, seng 1, genteng 0                             0-2
land                does not own the land under the house 1                 0-1
head's work         none 3, casual 2, small farm/trade 1, steady 0          0-3
household size      1-2 people 0, 3-4 1, 5-6 2, 7 or more 3                 0-3
assets              motorbike -1, refrigerator -1, gold/savings of          -7-0
                    Rp10 million or more -2, car -3
==================  =====================================================  ===========

``decile = 8 - points``, kept within 1..10 (:data:`BASE_DECILE`). A decile within
``database.max_decile`` (4 by default) is what the DTKS lists.

:func:`draw_assets` gives a synthetic household its assets (the population has none): each asset
independently, with a probability by consumption decile (:data:`ASSET_SHARE`, an assumption in
the spirit of SUSENAS asset ownership by expenditure decile).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

FLOOR_POINTS = {"tanah": 3, "plester": 1, "keramik": 0}
WALL_POINTS = {"bambu": 3, "kayu": 2, "tembok": 0}
ROOF_POINTS = {"rumbia": 2, "seng": 1, "genteng": 0}
NO_LAND_POINTS = 1
WORK_POINTS = {"none": 3, "casual": 2, "small": 1, "steady": 0}
ASSET_POINTS = {"motorbike": -1, "fridge": -1, "savings": -2, "car": -3}
ASSETS = tuple(ASSET_POINTS)
"""The assets a visit records, in the form's order."""
WORK_KINDS = tuple(WORK_POINTS)
"""The head's work as a visit records it (grouped from the occupation: :data:`WORK_OF_OCCUPATION`)."""
SIZE_BANDS = ((2, 0), (4, 1), (6, 2))
"""``(up to this many people, points)``; larger households score 3."""
BASE_DECILE = 8

WORK_OF_OCCUPATION = {
    "belum bekerja": "none", "pelajar/mahasiswa": "none", "mengurus rumah tangga": "none",
    "tidak bekerja": "none",
    "buruh tani": "casual", "buruh harian": "casual", "nelayan": "casual",
    "petani": "small", "pedagang kecil": "small",
    "pensiunan": "steady", "wiraswasta": "steady", "karyawan swasta": "steady", "PNS/TNI/Polri": "steady",
}
"""The head's occupation (:data:`slrt_sim.domain.synthesis.OCCUPATIONS`) as the form's work kind."""

ASSET_SHARE = {
    "motorbike": (.35, .45, .55, .62, .70, .76, .80, .84, .86, .88),
    "fridge": (.15, .25, .35, .45, .55, .65, .74, .82, .88, .92),
    "savings": (.02, .04, .06, .09, .13, .18, .25, .35, .48, .62),
    "car": (0.0, 0.0, .01, .02, .04, .07, .12, .20, .32, .50),
}
"""Share of households owning each asset by consumption decile 1..10 (assumption)."""


@dataclass(frozen=True)
class Indicators:
    """One recording of a household's welfare indicators (the true ones, or a visitor's)."""

    floor: str
    wall: str
    roof: str
    owns_land: bool
    work: str
    size: int
    assets: frozenset = frozenset()

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> "Indicators":
        """From a mapping with the field names (``assets``: any iterable of :data:`ASSETS`)."""
        return cls(str(values["floor"]), str(values["wall"]), str(values["roof"]), bool(values["owns_land"]),
                   str(values["work"]), int(values["size"]), frozenset(values.get("assets") or ()))


def size_points(size: int) -> int:
    for upto, points in SIZE_BANDS:
        if size <= upto:
            return points
    return 3


def points(ind: Indicators) -> int:
    """The recording's score (more points: poorer; see the module docstring)."""
    return (FLOOR_POINTS[ind.floor] + WALL_POINTS[ind.wall] + ROOF_POINTS[ind.roof]
            + (0 if ind.owns_land else NO_LAND_POINTS) + WORK_POINTS[ind.work] + size_points(ind.size)
            + sum(ASSET_POINTS[a] for a in ind.assets))


def indicator_decile(ind: Indicators) -> int:
    """The decile the DTKS gives a recording: ``8 - points``, within 1..10."""
    return min(10, max(1, BASE_DECILE - points(ind)))


def true_indicators(household: Mapping[str, Any], assets: frozenset) -> Indicators:
    """A population household's true indicators (its row, :meth:`Population.household
    <slrt_sim.domain.population.Population.household>`, and its drawn assets)."""
    return Indicators(str(household["floor"]), str(household["wall"]), str(household["roof"]),
                      bool(household["owns_land"]), WORK_OF_OCCUPATION[str(household["occupation"])],
                      int(household["size"]), frozenset(assets))


def draw_assets(decile: int, u: Mapping[str, float]) -> frozenset:
    """The assets of a household of consumption ``decile``: asset ``a`` when ``u[a]`` (a uniform
    draw of the caller's stream) is below :data:`ASSET_SHARE`."""
    return frozenset(a for a in ASSETS if u[a] < ASSET_SHARE[a][int(decile) - 1])


# a recording as one line of text (a live desk's answer: :class:`slrt_sim.model.desks.LiveDesks`)
_TEXT_FIELDS = ("floor", "wall", "roof", "land", "work", "size", "assets")
MAX_SIZE = 20


def encode(ind: Indicators) -> str:
    """A recording as one line, ``floor=..;wall=..;roof=..;land=yes|no;work=..;size=N;assets=a+b`` (the
    assets in :data:`ASSETS` order): the same recording is always the same text."""
    assets = "+".join(a for a in ASSETS if a in ind.assets)
    return (f"floor={ind.floor};wall={ind.wall};roof={ind.roof};land={'yes' if ind.owns_land else 'no'};"
            f"work={ind.work};size={int(ind.size)};assets={assets}")


def decode(text: str) -> Indicators:
    """The recording of :func:`encode`'s line; ``ValueError`` naming the field that is not as expected."""
    parts = dict(p.split("=", 1) for p in str(text).split(";") if "=" in p)
    expected = {"floor": FLOOR_POINTS, "wall": WALL_POINTS, "roof": ROOF_POINTS, "land": ("yes", "no"),
                "work": WORK_POINTS}
    for name, options in expected.items():
        if parts.get(name) not in options:
            raise ValueError(f"recording: {name} must be one of {', '.join(options)} (given {parts.get(name)!r})")
    size = parts.get("size", "")
    if not size.isdigit() or not 1 <= int(size) <= MAX_SIZE:
        raise ValueError(f"recording: size must be a whole number 1..{MAX_SIZE} (given {size!r})")
    assets = [a for a in parts.get("assets", "").split("+") if a]
    if any(a not in ASSET_POINTS for a in assets):
        raise ValueError(f"recording: assets must be among {', '.join(ASSETS)} (given {parts.get('assets')!r})")
    return Indicators(parts["floor"], parts["wall"], parts["roof"], parts["land"] == "yes", parts["work"], int(size),
                      frozenset(assets))


def recorded_decile(measured: int, recording: Indicators, truth: Indicators) -> int:
    """The decile a visit's recording enters in the DTKS: what the visit measured (``measured``),
    moved by what the recording's mistakes do to the score (:func:`indicator_decile` of the
    recording less that of the household's true indicators), within 1..10. A true recording
    enters ``measured`` itself; hiding a motorbike makes the household one decile poorer."""
    return min(10, max(1, int(measured) + indicator_decile(recording) - indicator_decile(truth)))
