"""The eligibility rules: the single source of truth the model and the role play share."""
import pytest

from slrt_sim import i18n
from slrt_sim.domain import programs as P


def household(**over):
    base = dict(
        in_dtks=True, dtks_decile=2, has_kk=True, missing_docs=False, has_pregnant=False, n_child_0_6=0,
        n_school_6_21=0, has_elderly_70=False, has_severe_disability=False, has_disability=False,
        owns_land=True, house_unfit=False, n_working_age=1, atensi_target=False, receives_pkh=False,
        receives_bpnt=False, receives_pbi=False, verified_decile=0,
    )
    base.update(over)
    return base


def test_pkh_needs_dtks_decile_and_component():
    assert not P.check("PKH", household()).eligible  # no component
    v = P.check("PKH", household(n_child_0_6=1))
    assert v.eligible and "rule.pkh.component" in v.reasons
    assert not P.check("PKH", household(n_child_0_6=1, dtks_decile=4)).eligible  # above decile 3
    v = P.check("PKH", household(n_child_0_6=1, in_dtks=False, dtks_decile=0))
    assert not v.eligible and "rule.not_in_dtks" in v.reasons


@pytest.mark.parametrize("component", ["has_pregnant", "has_elderly_70", "has_severe_disability"])
def test_each_pkh_component_counts(component):
    assert P.check("PKH", household(**{component: True})).eligible


def test_pkh_school_child_is_a_component():
    assert P.check("PKH", household(n_school_6_21=2)).eligible


def test_bpnt_and_pbi_deciles():
    assert P.check("BPNT", household(dtks_decile=3)).eligible
    assert not P.check("BPNT", household(dtks_decile=4)).eligible
    assert P.check("PBI_JK", household(dtks_decile=4)).eligible
    assert not P.check("PBI_JK", household(dtks_decile=5)).eligible
    v = P.check("PBI_JK", household(receives_pbi=True))
    assert not v.eligible and "rule.pbi.already" in v.reasons


def test_limits_come_from_the_scenario(small):
    small.programs["BPNT"].max_decile = 5
    limits = P.Limits.from_scenario(small)
    assert P.check("BPNT", household(dtks_decile=5), limits).eligible
    assert not P.check("BPNT", household(dtks_decile=5)).eligible


def test_kip_needs_school_child_from_poor_family():
    assert not P.check("KIP", household()).eligible
    assert P.check("KIP", household(n_school_6_21=1)).eligible
    assert P.check("KIP", household(n_school_6_21=1, in_dtks=False, dtks_decile=0, receives_pkh=True)).eligible
    assert not P.check("KIP", household(n_school_6_21=1, in_dtks=False, dtks_decile=0)).eligible


def test_rutilahu_needs_land_and_unfit_house():
    assert P.check("RUTILAHU", household(house_unfit=True)).eligible
    v = P.check("RUTILAHU", household(house_unfit=True, owns_land=False))
    assert not v.eligible and "rule.rutilahu.no_land" in v.reasons
    assert not P.check("RUTILAHU", household()).eligible


def test_kube_needs_working_age():
    assert P.check("KUBE", household()).eligible
    assert not P.check("KUBE", household(n_working_age=0)).eligible


def test_atensi_needs_no_dtks():
    assert P.check("ATENSI", household(in_dtks=False, dtks_decile=0, has_disability=True)).eligible
    assert not P.check("ATENSI", household()).eligible


def test_documents_come_first():
    h = household(missing_docs=True, n_child_0_6=1)
    v = P.check("PKH", h)
    assert not v.eligible and v.needs_documents_first and v.reasons[0] == "rule.documents_first"
    assert P.check("DUKCAPIL", h).eligible
    assert not P.check("DUKCAPIL", household()).eligible
    r = P.refer("food", h)
    assert r.program == "DUKCAPIL" and r.documents_first


def test_local_programme_uses_verified_decile():
    h = household(in_dtks=False, dtks_decile=0)
    assert not P.check("LOCAL", h).eligible
    assert P.check("LOCAL", dict(h, verified_decile=4)).eligible
    assert not P.check("LOCAL", dict(h, verified_decile=7)).eligible


def test_refer_picks_first_eligible_and_proposes_dtks():
    assert P.refer("food", household()).program == "BPNT"
    assert P.refer("food", household(dtks_decile=5)).program == "LOCAL"
    r = P.refer("housing", household(in_dtks=False, dtks_decile=0, house_unfit=True))
    assert r.program is None and r.propose_dtks
    r = P.refer("housing", household(house_unfit=False))
    assert r.program is None and not r.propose_dtks
    assert P.refer("information", household()).program is None
    assert P.refer("information", household()).closed_on_spot


def test_refer_skips_disabled_programmes():
    r = P.refer("food", household(), enabled=lambda code: code != "BPNT")
    assert r.program == "LOCAL"


def test_every_reason_explains_in_both_languages():
    h = household(in_dtks=False, dtks_decile=0, missing_docs=True)
    for code in P.PROGRAMS:
        for hh in (h, household(), household(n_school_6_21=1, house_unfit=True, has_disability=True)):
            v = P.check(code, hh)
            for lang in i18n.LANGUAGES:
                texts = v.explain(lang)
                assert texts and all(isinstance(x, str) and x and "{" not in x for x in texts)


def test_need_programmes_are_known():
    for need, codes in P.NEED_PROGRAMS.items():
        assert set(codes) <= set(P.PROGRAMS), need


def test_school_need_of_unlisted_poor_household_gets_a_dtks_proposal():
    r = P.refer("school", household(in_dtks=False, dtks_decile=0, n_school_6_21=1))
    assert r.program is None and r.propose_dtks


def test_no_proposal_when_listing_would_not_help():
    # no school child: listing does not open KIP
    assert not P.refer("school", household(in_dtks=False, dtks_decile=0)).propose_dtks
