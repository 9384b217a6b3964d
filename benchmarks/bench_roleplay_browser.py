"""Benchmark of what a trainee and a trainer wait for, in Chromium against the class server.

One class server (:class:`benchmarks.voila_process.VoilaProcess`, as ``make app`` runs it) and
Debian's Chromium driven by Playwright, at 1366 × 768. Each figure is the wall time from the
click (or the navigation) until the new content is on screen:

* ``fo_submit`` — "Kirim" → the score of the summary; ``fo_next`` — "Kasus berikutnya" → the
  next resident's story (targets 1.5 s and 1 s);
* ``bo_check`` — the first "Cek DTKS" → the DTKS table; ``bo_submit`` — "Kirim" → the result's
  score (target 1.5 s);
* ``walkthrough_sign`` / ``walkthrough_open`` — navigation → the sign of work / → "Langkah 1"
  (target 5 s for the app); ``planner_sign`` / ``planner_open`` likewise (target 5 s).

Needs ``/usr/bin/chromium`` (``SLRT_CHROMIUM``). Run ``python benchmarks/bench_roleplay_browser.py``;
:func:`run` returns the figures as a dict. ``quick`` measures one FO case instead of three.
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import fmt, spread, table  # noqa: E402
from benchmarks.voila_process import VoilaProcess  # noqa: E402

CHROMIUM = os.environ.get("SLRT_CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 180_000


def _since(t0: float) -> float:
    return time.perf_counter() - t0


def _fo(page, server, rp, t, n: int) -> dict:
    cases = rp.build_cases("BENCH-B", 2018, "sedang")
    page.goto(server.render_url("roleplay_front_office.ipynb"))
    page.locator(".slrt-f-trainee input").fill("Bench Browser")
    page.locator(".slrt-f-class input").fill("BENCH-B")
    page.locator(".slrt-login-start").click()
    page.locator(".slrt-story").wait_for(state="visible")
    submits, nexts = [], []
    for i in range(n):
        k = rp.answer_key(cases[i])
        page.locator(".slrt-f-nik input").fill(k["nik"])
        page.locator(".slrt-f-head input").fill(k["head"])
        page.locator(".slrt-f-members textarea").fill("\n".join(k["members"]))
        page.locator(".slrt-f-address textarea").fill(k["address"])
        page.locator(".slrt-f-category select").select_option(label=t(f"rp.cat.{k['category']}"))
        page.locator(".slrt-f-dtks").get_by_role("radio", name=t(f"rp.dtks.{k['dtks']}"), exact=True).check()
        for need in k["needs"]:
            page.locator(f".slrt-c-{need} input").check()
        if k["sktm"]:
            page.locator(".slrt-f-sktm").get_by_role("radio", name=t(f"rp.sktm.{k['sktm'][0]}"), exact=True).check()
        page.locator(".slrt-f-decision").get_by_role("radio", name=t(f"rp.decision.{k['decision']}"),
                                                     exact=True).check()
        t0 = time.perf_counter()
        page.locator(".slrt-submit").click()
        page.locator(".slrt-feedback-box .slrt-score").wait_for(state="visible")
        submits.append(_since(t0))
        t0 = time.perf_counter()
        page.locator(".slrt-next").click()
        page.locator(".slrt-fo", has_text=re.compile(rf"Kasus\s+{i + 2}\s+dari")).wait_for(state="visible")
        page.locator(".slrt-story").wait_for(state="visible")
        nexts.append(_since(t0))
    return {"fo_submit": spread(submits), "fo_next": spread(nexts)}


def _bo(page, server, bo, t) -> dict:
    q = bo.build_queue("BENCH-B", 2018, "sedang")
    page.goto(server.render_url("roleplay_back_office.ipynb"))
    page.locator(".slrt-login-name input").fill("Bench Browser")
    page.locator(".slrt-login-class input").fill("BENCH-B")
    page.locator(".slrt-login-start").click()
    page.locator(".slrt-bo-header").wait_for(state="visible")
    cid = q.cases[0].case_id
    t0 = time.perf_counter()
    page.locator(f".slrt-check-{cid}").click()
    page.locator(f".slrt-case-{cid} .slrt-dtks").wait_for(state="visible")
    check = _since(t0)
    page.locator(".slrt-submit").click()  # empty decisions: the first press asks
    page.get_by_text(re.compile("keputusan kosong|decisions are still empty")).wait_for(state="visible")
    t0 = time.perf_counter()
    page.locator(".slrt-submit").click()
    page.locator(".slrt-result .slrt-score").wait_for(state="visible")
    return {"bo_check": check, "bo_submit": _since(t0)}


def _open(page, server, notebook: str, sign: str, ready) -> tuple[float, float]:
    t0 = time.perf_counter()
    page.goto(server.render_url(notebook), wait_until="commit")
    page.locator(sign).first.wait_for(state="visible")
    s = _since(t0)
    ready(page)
    return s, _since(t0)


def run(quick: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    from slrt_sim.i18n import t
    from slrt_sim.training import back_office as bo
    from slrt_sim.training import front_office as rp
    from slrt_sim.training.store import SessionStore

    out: dict = {}
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "bench.sqlite"
        SessionStore(db).create_class("BENCH-B", 2018, "sedang", trainer="bench")
        with VoilaProcess(pin="4321", db=db, log_path=Path(d) / "voila.log",
                          extra=["--SlrtVoila.heavy_per_client=4"]) as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            try:
                for name, fn in (("fo", lambda p: _fo(p, server, rp, t, 1 if quick else 3)),
                                 ("bo", lambda p: _bo(p, server, bo, t))):
                    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
                    ctx.set_default_timeout(TIMEOUT_MS)
                    out.update(fn(ctx.new_page()))
                    ctx.close()
                for key, nb, ready in (
                        ("walkthrough", "walkthrough.ipynb",
                         lambda p: p.get_by_text("Langkah 1 dari").first.wait_for(state="visible")),
                        ("planner", "planner.ipynb",
                         lambda p: p.get_by_text(t("plan.run")).first.wait_for(state="visible"))):
                    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
                    ctx.set_default_timeout(TIMEOUT_MS)
                    out[f"{key}_sign"], out[f"{key}_open"] = _open(ctx.new_page(), server, nb,
                                                                   f".slrt-opening, .slrt-{key[:4]}-opening, "
                                                                   f".slrt-ui", ready)
                    ctx.close()
            finally:
                browser.close()
    return out


def _table(r: dict) -> str:
    def med(x):
        return x["median"] if isinstance(x, dict) else x

    rows = [("FO submit → score on screen", fmt(med(r["fo_submit"]), " s"), "≤ 1.5 s"),
            ("FO next case → story on screen", fmt(med(r["fo_next"]), " s"), "≤ 1 s"),
            ("BO first Cek DTKS → table", fmt(r["bo_check"], " s"), ""),
            ("BO submit → score on screen", fmt(r["bo_submit"], " s"), "≤ 1.5 s"),
            ("walkthrough: sign of work", fmt(r["walkthrough_sign"], " s"), ""),
            ("walkthrough: app on screen", fmt(r["walkthrough_open"], " s"), "≤ 5 s"),
            ("planner: sign of work", fmt(r["planner_sign"], " s"), ""),
            ("planner: app on screen", fmt(r["planner_open"], " s"), "≤ 5 s")]
    return table(rows, ("in Chromium, 1366 × 768", "wall", "target"))


if __name__ == "__main__":
    print(_table(run(quick="--quick" in sys.argv)))
