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

The trainer tools are opened as a trainer opens them: on a server that has settled (its kernels,
pre-heated ones included, have finished their work: :func:`_settle`), ``rounds`` times each
(median, min, max), each page closed (its kernel stopped) and the server settled again between two
openings.

Needs ``/usr/bin/chromium`` (``SLRT_CHROMIUM``). Run ``python benchmarks/bench_roleplay_browser.py``
(``--open``: the trainer tools only; ``--rounds N``; ``--cold``: the trainer tools not pre-heated,
as before the server pre-heated them); :func:`run` returns the figures as a dict.
``quick`` measures one FO case instead of three and opens each tool once.
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


SETTLED_CPU = 15.0
"""Percent of one core that the server and all its kernels together stay under when settled."""


def _settle(server, limit: float = 300.0, quiet: float = 3.0) -> float:
    """Wait until the server and its kernels have used under :data:`SETTLED_CPU` % of a core for
    ``quiet`` seconds in a row (pools rendered, background builds done), at most ``limit`` s;
    returns the seconds waited."""
    import psutil

    t0 = time.monotonic()
    calm = 0.0
    while time.monotonic() - t0 < limit and calm < quiet:
        procs = [psutil.Process(server.proc.pid)] + psutil.Process(server.proc.pid).children(recursive=True)
        start = {}
        for p in procs:
            try:
                start[p] = sum(p.cpu_times()[:2])
            except psutil.Error:
                pass
        time.sleep(1.0)
        used = 0.0
        for p, before in start.items():
            try:
                used += sum(p.cpu_times()[:2]) - before
            except psutil.Error:
                pass
        calm = calm + 1.0 if used * 100 < SETTLED_CPU else 0.0
    return time.monotonic() - t0


def _open(page, server, notebook: str, sign: str, ready) -> tuple[float, float]:
    t0 = time.perf_counter()
    page.goto(server.render_url(notebook), wait_until="commit")
    page.locator(sign).first.wait_for(state="visible")
    s = _since(t0)
    ready(page)
    return s, _since(t0)


TOOLS = (("walkthrough", "walkthrough.ipynb", lambda p, t: p.get_by_text("Langkah 1 dari").first),
         ("planner", "planner.ipynb", lambda p, t: p.get_by_text(t("plan.run")).first))
"""The trainer tools opened: figure key, notebook, the locator that says the app is on screen."""


def _tools(browser, server, t, rounds: int) -> dict:
    """Open each trainer tool ``rounds`` times on a settled server (see the module docstring)."""
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        for key, nb, ready in TOOLS:
            _settle(server)
            ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
            ctx.set_default_timeout(TIMEOUT_MS)
            page = ctx.new_page()
            sign, shown = _open(page, server, nb, f".slrt-opening, .slrt-{key[:4]}-opening, .slrt-ui",
                                lambda p: ready(p, t).wait_for(state="visible"))
            times.setdefault(f"{key}_sign", []).append(sign)
            times.setdefault(f"{key}_open", []).append(shown)
            page.close(run_before_unload=True)  # Voila's page stops its kernel on unload
            ctx.close()
    return {k: spread(v) for k, v in times.items()}


COLD = [f"--SlrtVoila.no_preheat={nb}" for nb in ("index.ipynb", "walkthrough.ipynb", "planner.ipynb")]
"""Server options without the trainer tools' pre-heated kernels (``--cold``)."""


def run(quick: bool = False, parts: tuple[str, ...] = ("fo", "bo", "open"), rounds: int | None = None,
        cold: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    from slrt_sim.i18n import t
    from slrt_sim.training import back_office as bo
    from slrt_sim.training import front_office as rp
    from slrt_sim.training.store import SessionStore

    rounds = rounds or (1 if quick else 3)
    out: dict = {"rounds": rounds}
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "bench.sqlite"
        SessionStore(db).create_class("BENCH-B", 2018, "sedang", trainer="bench")
        extra = ["--SlrtVoila.heavy_per_client=4", *(COLD if cold else [])]
        with VoilaProcess(pin="4321", db=db, log_path=Path(d) / "voila.log", extra=extra) as server, \
                sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            try:
                for name, fn in (("fo", lambda p: _fo(p, server, rp, t, 1 if quick else 3)),
                                 ("bo", lambda p: _bo(p, server, bo, t))):
                    if name not in parts:
                        continue
                    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
                    ctx.set_default_timeout(TIMEOUT_MS)
                    out.update(fn(ctx.new_page()))
                    ctx.close()
                if "open" in parts:
                    out.update(_tools(browser, server, t, rounds))
            finally:
                browser.close()
    return out


def _table(r: dict) -> str:
    def med(x):
        return x["median"] if isinstance(x, dict) else x

    def rng(x):
        return f" ({fmt(x['min'])}–{fmt(x['max'])}, n={x['n']})" if isinstance(x, dict) else ""

    rows = [(label, fmt(med(r[key]), " s") + rng(r[key]), target) for key, label, target in (
        ("fo_submit", "FO submit → score on screen", "≤ 1.5 s"),
        ("fo_next", "FO next case → story on screen", "≤ 1 s"),
        ("bo_check", "BO first Cek DTKS → table", ""),
        ("bo_submit", "BO submit → score on screen", "≤ 1.5 s"),
        ("walkthrough_sign", "walkthrough: sign of work", ""),
        ("walkthrough_open", "walkthrough: app on screen", "≤ 5 s"),
        ("planner_sign", "planner: sign of work", ""),
        ("planner_open", "planner: app on screen", "≤ 5 s")) if key in r]
    return table(rows, ("in Chromium, 1366 × 768", "wall", "target"))


if __name__ == "__main__":
    _rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else None
    print(_table(run(quick="--quick" in sys.argv, parts=("open",) if "--open" in sys.argv else ("fo", "bo", "open"),
                     rounds=_rounds, cold="--cold" in sys.argv)))
