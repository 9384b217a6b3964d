"""The walkthrough: funnel, steps, what-if variants on common random numbers, kept history, plots."""
from __future__ import annotations

import pytest

from slrt_sim.experiments import plots
from slrt_sim.experiments import walkthrough as WT
from slrt_sim.experiments.report import compare, format_ci
from slrt_sim.i18n import fmt_num, fmt_pct, t


@pytest.fixture(scope="module")
def base():
    return WT.load_training()


@pytest.fixture(scope="module")
def first(base):
    return WT.run_variant(base, WT.default_choices(base), replications=3, number=1)


def test_variant_overrides_cover_the_issue_comparisons():
    assert WT.variant_overrides({"route": "walkin_only"}) == ["outreach.enabled=false"]
    assert WT.variant_overrides({"mode": "fragmented"}) == ["mode=fragmented"]
    assert WT.variant_overrides({"entry": "paper"}) == ["data_entry.mode=paper"]
    assert WT.variant_overrides({"dtks": "monthly"}) == ["dtks.determination_cycle_months=1"]
    assert WT.variant_overrides({"dtks": "quarterly"}) == ["dtks.determination_cycle_months=3"]
    with pytest.raises(ValueError):
        WT.variant_overrides({"route": "teleport"})


def test_default_choices_describe_the_training_scenario(base):
    assert WT.default_choices(base) == {"route": "outreach", "mode": "integrated", "entry": "tablet",
                                        "dtks": "monthly"}


def test_funnel_is_monotone_and_consistent(first, base):
    steps = WT.funnel(first.cases, base)
    counts = [n for _, n in steps]
    assert [k for k, _ in steps] == list(WT.FUNNEL_STEPS)
    assert counts[0] == first.reps.runs[0].kpis["cases"]
    assert all(a >= b for a, b in zip(counts, counts[1:]))
    assert sum(WT.outcomes(first.cases, base).values()) == counts[0]


def test_every_step_has_text_with_numbers(first):
    for step in WT.STEPS:
        title, body = WT.step_text(step, first)
        assert title.startswith("Langkah ") and "<b>" in body
    _, body = WT.step_text("need", first)
    assert fmt_num(len(first.cases), 0) in body


def test_common_random_numbers_and_expected_directions(base, first):
    walkin = WT.run_variant(base, dict(WT.default_choices(base), route="walkin_only"), 3, 2)
    frag = WT.run_variant(base, dict(WT.default_choices(base), mode="fragmented"), 3, 3)
    # the same households with the same needs in every variant
    assert walkin.reps.kpis["cases"].tolist() == first.reps.kpis["cases"].tolist()
    assert frag.reps.kpis["cases"].tolist() == first.reps.kpis["cases"].tolist()
    # outreach finds more needs and meets more; fragmented offices meet fewer and fix no DTKS errors
    assert first.summary.at["identified", "mean"] > walkin.summary.at["identified", "mean"]
    assert first.summary.at["needs_met", "mean"] > walkin.summary.at["needs_met", "mean"]
    assert first.summary.at["needs_met", "mean"] > frag.summary.at["needs_met", "mean"]
    assert frag.summary.at["exclusion_error_end", "mean"] == pytest.approx(frag.summary.at["exclusion_error_start",
                                                                                           "mean"])
    assert first.summary.at["exclusion_error_end", "mean"] < first.summary.at["exclusion_error_start", "mean"]


def test_history_keeps_runs_and_compares(base, first):
    h = WT.History()
    h.add(first)
    assert h.next_number() == 2
    h.add(WT.run_variant(base, dict(WT.default_choices(base), entry="paper"), 2, h.next_number()))
    table = h.comparison()
    assert list(table.columns) == [f"1: {first.label}", f"2: {h.runs[1].label}"]
    assert t("kpi.needs_met") in table.index and "%" in table.iloc[0, 0] and "[" in table.iloc[0, 0]
    # the sentence follows the paired comparison of the replications both runs have
    direction = compare("needs_met", *(r.reps.kpis["needs_met"].to_numpy() for r in h.runs)).direction
    sentence = WT.describe_difference(h.runs[0], h.runs[1])
    expected = {"noise": "belum pasti", "up": "lebih banyak", "down": "lebih sedikit",
                "same": "yang sama"}[direction]
    assert "percobaan 1 dan 2" in sentence or "percobaan 2" in sentence
    assert expected in sentence
    h.clear()
    assert len(h.runs) == 1 and h.runs[0] is first


def test_ci_clipped_to_possible_values():
    assert format_ci("needs_met", 0.1, -0.05, 1.2) == "10,0% [0,0%–100,0%]"
    assert format_ci("days_to_service_median", 5.0, -1.0, 11.0) == "5,0 [0,0–11,0]"


def test_day_status_and_plots_are_png(first):
    st = WT.day_status(first.timeline, 200)
    assert st["day"] == "200"
    for fig in (plots.timeline_figure(first.timeline, upto=100),
                plots.funnel_figure([(lab, n) for lab, (_, n) in zip(WT.funnel_labels(), WT.funnel(first.cases))], 2)):
        data = plots.png(fig)
        assert data[:8] == b"\x89PNG\r\n\x1a\n"


def test_indonesian_tick_labels():
    fmt = plots.number_formatter(1)
    assert fmt(1234.5, 0) == "1.234,5"
    assert plots.number_formatter(0, percent=True)(0.25, 0) == "25%"


def test_walkthrough_app_headless():
    from slrt_sim.apps.walkthrough import WalkthroughApp

    app = WalkthroughApp(replications=2)
    assert len(app.history.runs) == 1
    app._move(+1)
    assert "Langkah 2 dari 8" in app.step_html.value
    app.toggles["mode"].value = "fragmented"
    app.reps_slider.value = 2
    run = app.run_whatif()
    assert run is not None and len(app.history.runs) == 2
    assert "2: " in app.compare_html.value and t("walk.opt.fragmented") in app.compare_html.value
    diff = app.diff_html.value
    first, second = (fmt_pct(r.reps.kpis["needs_met"].mean()) for r in app.history.runs)
    assert f"{first} → {second}" in diff
    # better/worse only when the paired interval excludes zero; otherwise "not yet certain with 2 replications"
    assert diff.startswith("Dibanding percobaan 1") or diff.startswith("Dengan 2 replikasi")
    app.day.value = 100
    assert "Hari ke-100" in app.day_html.value
    app.clear()
    assert len(app.history.runs) == 1
