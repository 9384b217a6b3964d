"""Wording of stories and feedback: what a fasilitator reads must be true and read well."""
from __future__ import annotations

import pytest

from slrt_sim.domain.synthesis import OCCUPATIONS
from slrt_sim.i18n import category_label, t
from slrt_sim.training import back_office as bo
from slrt_sim.training import bo_grading, fo_grading
from slrt_sim.training import front_office as rp

NOT_WORKING = ("belum bekerja", "pelajar/mahasiswa", "mengurus rumah tangga", "tidak bekerja", "pensiunan")


@pytest.fixture(scope="module")
def cases():
    return [c for lvl in rp.LEVELS for code in ("KATA-1", "KATA-2") for c in rp.build_cases(code, 2018, lvl, n=30)]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_occupation_has_a_phrase(lang):
    for occ in OCCUPATIONS:
        phrase = category_label("job", occ, lang)
        assert phrase and not phrase.startswith("pop.job"), occ


def test_stories_never_call_not_working_an_occupation(cases):
    for c in cases:
        story = c.story_text("id").lower()
        for occ in NOT_WORKING:
            assert f"pekerjaannya {occ}" not in story and f"bekerja sebagai {occ}" not in story, c.story
        assert "sebagai tidak bekerja" not in story and "sebagai belum bekerja" not in story


def test_sktm_evidence_cites_only_an_occupation_of_the_better_off(cases):
    false = [c for c in cases if c.problem == "false_sktm"]
    assert false
    for c in false:
        msg = " ".join(i["message"] for i in fo_grading.grade(c, {"sktm": "accept"}).items if i["item"] == "sktm")
        occ = category_label("occupation", c.household["occupation"], "id")
        if c.household["occupation"] in fo_grading.BETTER_OFF_OCCUPATIONS:
            assert occ.lower() in msg.lower()
        else:  # "pekerjaan Tidak bekerja" is no evidence of being better off
            assert "pekerjaan" not in msg.lower() and occ.lower() not in msg.lower(), msg


def test_a_false_sktm_is_never_said_to_be_recorded_above_the_limit(cases):
    """The DTKS shows a low recorded decile; what is above the limit is the decile the visit finds."""
    recorded_above = t("rule.decile_above.3", lang="id", program="BPNT").split("(")[0].split(" batas")[0]
    for c in (c for c in cases if c.problem == "false_sktm"):
        text = " ".join(i["message"] for i in fo_grading.grade(c, {"decision": "refer_bo"}).items)
        assert recorded_above not in text, text
    q = bo.build_queue("KATA-1", 2018, "sulit")
    g = bo_grading.grade(q, bo.answer_key(q), 0, 60)
    for c in (c for c in q.cases if c.problem == "false_sktm"):
        text = " ".join(i["message"] for i in g.items if i["item"].startswith(c.case_id + " "))
        assert recorded_above not in text, text
