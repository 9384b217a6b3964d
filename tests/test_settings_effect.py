"""Every setting of the schema moves some KPI, or is marked with the reason it does not.

Each leaf setting (:func:`slrt_sim.experiments.settings_effect.settings`) is perturbed up and, if
that moves nothing, down, on two paired replications of the training kelurahan (common random
numbers); the settings still unmoved are tried on Kota Probolinggo (the smallest district that
runs paper forms and has no Puskesos, so the modes the training file does not use are exercised)
over a short year. A setting that moves nothing in both must be in ``ROLE_PLAY_ONLY`` or
``NO_EFFECT`` (with its reason), and a marked setting must indeed move nothing (a stale mark fails).
"""
from __future__ import annotations

import pytest

from slrt_sim.domain.scenario import NO_EFFECT, ROLE_PLAY_ONLY, load_scenario
from slrt_sim.experiments import settings_effect as E
from slrt_sim.paths import SCENARIOS


def test_perturbations_are_valid_and_differ():
    """Every setting's perturbations validate and change the value (else the check below is void)."""
    s = load_scenario(SCENARIOS / "pelatihan_satu_kelurahan.yaml")
    values = E.settings(s)
    assert len(values) > 120 and "programs.KUBE.quota_per_cycle" in values and "region" not in values
    for path, value in values.items():
        for down in (False, True):
            new = E.perturbed(s, path, value, down)
            changed = E.settings(s.with_overrides({path: new}))[path]
            assert changed != value, path
    for path in [*NO_EFFECT, *ROLE_PLAY_ONLY]:
        assert path in values, path  # a mark names a setting that exists


@pytest.mark.slow
def test_every_setting_moves_a_kpi_or_is_marked():
    training = load_scenario(SCENARIOS / "pelatihan_satu_kelurahan.yaml")
    still = E.still(training)
    district = load_scenario(SCENARIOS / "kota_probolinggo.yaml", ["horizon_days=250", "warmup_days=60"])
    still_both = E.still(district, still, replications=(0,))
    assert sorted(still_both) == sorted([*NO_EFFECT, *ROLE_PLAY_ONLY])
