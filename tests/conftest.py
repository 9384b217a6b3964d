"""Shared fixtures: small scenarios built in memory, and the shipped ones by name."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from slrt_sim import i18n
from slrt_sim.domain.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

SMALL = {
    "name": "uji_kecil",
    "seed": 7,
    "horizon_days": 180,
    "region": {
        "kabupaten": "Kota Uji", "kind": "kota", "province": "Jawa Tengah", "bps_code": "3375",
        "kecamatan": [{
            "name": "Uji Barat", "code": "337501",
            "villages": [
                {"name": "Satu", "households": 900, "poverty_rate": 0.12, "puskesos": True},
                {"name": "Dua", "households": 700, "poverty_rate": 0.08},
            ],
        }],
    },
    "needs": {"incidence_poor": 1.0, "incidence_nonpoor": 0.15},
}


@pytest.fixture(autouse=True)
def _indonesian():
    """Every test starts in Bahasa Indonesia, whatever an earlier test switched to."""
    i18n.set_language("id")
    yield
    i18n.set_language("id")


@pytest.fixture
def small_dict():
    return copy.deepcopy(SMALL)


@pytest.fixture
def small(small_dict):
    return scenario_from_dict(small_dict)


@pytest.fixture(scope="session")
def mmc():
    return load_scenario(SCENARIOS / "validation" / "mmc.yaml")
