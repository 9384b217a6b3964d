"""``slrt-sim cards``: A6 case cards and a separate answer sheet, deterministic, one-line errors."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from slrt_sim.training import bo_grading
from slrt_sim.training import back_office as bo
from slrt_sim import cli
from slrt_sim.i18n import catalogue, t
from slrt_sim.training.cards import make_cards

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = str(ROOT / "scenarios" / "pelatihan_satu_kelurahan.yaml")


def run(*args) -> int:
    return cli.main(["cards", *map(str, args)])


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("cards")
    assert run(SCENARIO, "--n", 12, "--seed", 5, "--out", out, "--level", "sulit") == 0
    return out


def test_files_written_n_cards_and_separate_answer_sheet(made, capsys):
    cards = (made / "cards.html").read_text(encoding="utf-8")
    answers = (made / "jawaban.html").read_text(encoding="utf-8")
    assert cards.count('<section class="card"') == 12
    assert re.search(r"@page\s*\{\s*size:\s*105mm 148mm", cards)  # Chromium ignores "A6"
    assert "page-break-after: always" in cards or "break-after: page" in cards
    assert answers.count('<div class="answer"') == 12
    assert t("cards.answers.title") in answers and t("cards.answers.title") not in cards


def test_no_answer_on_the_cards(made):
    cards = (made / "cards.html").read_text(encoding="utf-8")
    answers = (made / "jawaban.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", cards)
    forbidden = [v["id"] for k, v in catalogue().items()
                 if k.startswith(("bo.status.", "cards.problem.", "rule.", "bo.rule.", "bo.fb."))
                 and k not in ("cards.problem.clean",)]
    forbidden += [t("bo.eligible"), t("bo.not_eligible"), "desil", "Desil", "verval", "Verval"]
    leaks = [f for f in forbidden if f.split("{")[0].strip() and f.split("{")[0].strip() in text]
    assert not leaks, leaks
    # the sheet does hold them
    assert "verval" in answers.lower() and (t("bo.eligible") in answers or t("bo.not_eligible") in answers)


def test_same_seed_same_cards_other_seed_other_cards(made, tmp_path):
    assert run(SCENARIO, "--n", 12, "--seed", 5, "--out", tmp_path / "a", "--level", "sulit") == 0
    assert (tmp_path / "a" / "cards.html").read_bytes() == (made / "cards.html").read_bytes()
    assert (tmp_path / "a" / "jawaban.html").read_bytes() == (made / "jawaban.html").read_bytes()
    assert run(SCENARIO, "--n", 12, "--seed", 6, "--out", tmp_path / "b", "--level", "sulit") == 0
    assert (tmp_path / "b" / "cards.html").read_bytes() != (made / "cards.html").read_bytes()


def test_answer_sheet_matches_the_grading(tmp_path):
    from slrt_sim.training.cards import make_cards
    from slrt_sim.domain.scenario import load_scenario

    _cards, answers, queue = make_cards(load_scenario(SCENARIO), n=6, seed=3, level="sedang")
    for c in queue.cases:
        assert t(f"cards.problem.{c.problem}") in answers
        assert c.problem != "duplicate"
    g = bo_grading.grade(queue, bo.answer_key(queue), 0, 60)
    assert g.score == g.max_score


@pytest.mark.parametrize("args", [
    ("no/such/file.yaml",),
    (str(ROOT / "tests" / "data" / "bad" / "yaml_syntax_error.yaml"),),
    (str(ROOT / "tests" / "data" / "bad" / "empty.yaml"),),
    (SCENARIO, "--n", "0"),
    (SCENARIO, "--format", "pdf"),
])
def test_bad_input_one_line_exit_2(args, tmp_path, capsys):
    code = run(*args, "--out", tmp_path / "o")
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "o" / "cards.html").exists()


def test_help_says_html_only(capsys):
    with pytest.raises(SystemExit):
        cli.main(["cards", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "HTML" in out and "PDF" in out


def test_answer_sheet_no_recorded_decile_outside_the_dtks_and_quota_reasons():
    from slrt_sim.domain.scenario import load_scenario

    _cards, answers, queue = make_cards(load_scenario(SCENARIO), 30, 5, "sulit")
    blocks = answers.split('<div class="answer"')[1:]
    recorded = t("rule.decile_within.5", program="").split("1–")[0]  # "Tercatat pada desil ": a DTKS record
    not_listed = [k for k, c in enumerate(queue.cases) if not c.profile["in_dtks"]]
    assert not_listed, "the seed must give a household outside the DTKS"
    for k in not_listed:
        assert recorded not in blocks[k], queue.cases[k].case_id
    refs = bo.right_referrals(queue)
    passed = [(cid, need, prog) for (cid, need), prog in refs.items()
              if bo.passed_for_quota(queue.case(cid), need, prog)]
    assert passed, "the seed must give a referral pushed down the list by a quota"
    for cid, need, prog in passed:
        k = next(i for i, c in enumerate(queue.cases) if c.case_id == cid)
        for code in bo.passed_for_quota(queue.case(cid), need, prog):
            assert html.escape(t("bo.rule.quota", program=t(f"prog.{code}.name"))) in blocks[k]
