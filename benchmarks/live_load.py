"""The live kelurahan played by a hall through real pages and kernels (``make load DAY=live``; not a
``bench_*`` module, so ``make bench`` leaves it out: a run takes minutes).

Starts the kit's server as a trainer does for a live class (:class:`benchmarks.voila_process.VoilaProcess`,
a fresh session database, no pools: a live class's pages open cold) and drives, over 127.0.0.1:

* **N desk pages** (``notebooks/live_desk.ipynb``; N = 70 by default), each over its kernel's
  websocket as the browser's widget manager does (:mod:`benchmarks.bench_load`'s protocol): the
  trainees arrive a few at a time (``--arrive`` at once), log in to the practice class, choose
  their team (7 a team: FO twice, BO twice, manager, fasilitator, supervisor) and desk, and wait;
* **the projector page** (``notebooks/live_projector.ipynb``): the trainer's PIN, the number of
  teams, "Mulai" once every desk is taken: one game per team (N / 7 games), 60 s per working day;
* then for ``--minutes`` (10) each trainee **acts every ``--every`` seconds** (20; each at its own
  phase): if a decision is on their page they press its first answer.

Measured: from a trainee's press to the projector's page showing it (the projector follows game 1;
an answered decision is the player's "served" count going up in the projector view's desk table,
the first projector update after the press that shows it), and from the press to the trainee's own
page answering (the line under the status); every page **usable** (the desk: logged in, seated,
shown the game, every press answered within ``PRESS_TIMEOUT``; the projector: started the games and
kept redrawing); memory of the server and all its kernels (RSS, PSS, USS) once all are seated and
at the end; CPU-seconds of the server and of the kernels during play; the load average before.

Targets (the live kelurahan): N = 70 in 10 games: action -> projector p95 <= 2 s, every page
usable, server + kernels <= 5.5 GB.

    .venv/bin/python benchmarks/bench_load.py --day live [--n 70] [--minutes 10] [--every 20]
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks import fmt, table
from benchmarks.bench_load import _msg, _request_states, cpu_seconds, memory

TEAM = ("fo", "fo", "bo", "bo", "manager", "fasilitator", "supervisor")
"""The desks of a team of 7, in join order (a role twice where two players chose it)."""
ROLES = ("fo", "bo", "manager", "fasilitator", "supervisor")
"""The desk page's toggle order (:data:`slrt_sim.apps.live_desk.ROLES`)."""
CLASS_CODE = "LATIHAN"
PIN = "4321"
PAGE_TIMEOUT = 240.0
PRESS_TIMEOUT = 15.0
"""Seconds a press may take to come back on the trainee's own page before the page counts as unusable."""
SECONDS_PER_DAY = 60.0


class Page:
    """One Voila page driven over its kernel's websocket: widget states kept up to date from the
    kernel's messages, with the time of every update per widget."""

    def __init__(self, base: str, notebook: str):
        self.base, self.notebook = base, notebook
        self.states: dict[str, dict] = {}
        self.updates: dict[str, list[tuple[float, dict]]] = {}
        self.idle: dict[str, asyncio.Future] = {}
        self.session = uuid.uuid4().hex
        self.ws = self._reader = None
        self.kernel_id = self.xsrf = None

    async def open(self, http) -> None:
        from websockets.asyncio.client import connect

        r = await http.get(f"{self.base}/voila/render/{self.notebook}")
        m = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', r.text)
        if r.status_code != 200 or not m:
            raise RuntimeError(f"HTTP {r.status_code}, no kernel id")
        self.kernel_id, self.xsrf = m.group(1), http.cookies.get("_xsrf")
        url = self.base.replace("http", "ws", 1) + f"/api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        self.ws = await connect(url, max_size=None, open_timeout=PAGE_TIMEOUT)
        for mid, s in (await _request_states(self.ws, self.session)).items():
            self.states[mid] = dict(s.get("state", {}))
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            msg = json.loads(await self.ws.recv())
            now, kind, content = time.monotonic(), msg.get("msg_type"), msg.get("content", {})
            if kind == "comm_open":
                self.states[content["comm_id"]] = dict(content.get("data", {}).get("state", {}))
            elif kind == "comm_msg" and content.get("data", {}).get("method") in ("update", "echo_update"):
                state = content["data"].get("state", {})
                self.states.setdefault(content["comm_id"], {}).update(state)
                self.updates.setdefault(content["comm_id"], []).append((now, state))
            elif kind == "status" and content.get("execution_state") == "idle":
                fut = self.idle.pop(msg.get("parent_header", {}).get("msg_id", ""), None)
                if fut is not None and not fut.done():
                    fut.set_result(now)

    def find(self, model: str, cls: str | None = None, **want: Any) -> str | None:
        """The first widget of ``model`` with DOM class ``cls`` and every ``want`` in its state."""
        for mid, st in self.states.items():
            if st.get("_model_name") != model or (cls and cls not in st.get("_dom_classes", ())):
                continue
            if all(st.get(k) == v for k, v in want.items()):
                return mid
        return None

    def all(self, model: str, prefix: str) -> list[str]:
        return [mid for mid, st in self.states.items() if st.get("_model_name") == model
                and any(c.startswith(prefix) for c in st.get("_dom_classes", ()))]

    async def set(self, mid: str, **state: Any) -> None:
        await self.ws.send(json.dumps(_msg("comm_msg", {"comm_id": mid, "data": {
            "method": "update", "state": state, "buffer_paths": []}}, self.session)))

    async def click(self, mid: str, wait: bool = True) -> float:
        """Press button ``mid``; with ``wait``, until the kernel is idle again (its time)."""
        msg = _msg("comm_msg", {"comm_id": mid, "data": {"method": "custom", "content": {"event": "click"}}},
                   self.session)
        fut = asyncio.get_running_loop().create_future()
        self.idle[msg["header"]["msg_id"]] = fut
        await self.ws.send(json.dumps(msg))
        return await asyncio.wait_for(fut, PAGE_TIMEOUT) if wait else time.monotonic()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self.ws is not None:
            await self.ws.close()


async def _wait(cond, timeout: float, step: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        await asyncio.sleep(step)
    return bool(cond())


LATE = "aturan yang menjawab"
"""In the desk's line after a press the rules answered before it (``live.answer.late``, Indonesian)."""


class Desk:
    """One trainee: log in, take a desk, then act every ``every`` seconds."""

    def __init__(self, base: str, k: int):
        self.k, self.name = k, f"Peserta {k + 1:02d}"
        self.team, self.role = k // len(TEAM) + 1, TEAM[k % len(TEAM)]
        self.page = Page(base, "live_desk.ipynb")
        self.out: dict[str, Any] = {"name": self.name, "team": self.team, "role": self.role, "usable": False,
                                    "error": None, "presses": []}

    async def arrive(self, http, t0: float) -> None:
        p, out = self.page, self.out
        await p.open(http)
        out["page_s"] = time.monotonic() - t0
        name, code = p.find("TextModel", "slrt-f-trainee"), p.find("TextModel", "slrt-f-class")
        start = p.find("ButtonModel", "slrt-login-start")
        if not (name and code and start):
            raise RuntimeError("login widgets not found")
        await p.set(name, value=self.name)
        await p.set(code, value=CLASS_CODE)
        await p.click(start)
        team, desk = p.find("ToggleButtonsModel", "slrt-live-team"), p.find("ToggleButtonsModel", "slrt-live-role")
        await p.set(team, index=self.team - 1)
        await p.set(desk, index=ROLES.index(self.role))
        await p.click(p.find("ButtonModel", "slrt-live-sit"))
        status = p.find("HTMLModel", "slrt-live-status")
        out["seated_s"] = time.monotonic() - t0
        out["seated"] = status is not None and bool(p.states[status].get("value"))
        if not out["seated"]:
            raise RuntimeError("not seated: " + str(p.states.get(p.find("HTMLModel") or "", {}).get("value", ""))[:80])

    def status(self) -> str:
        mid = self.page.find("HTMLModel", "slrt-live-status")
        return str(self.page.states.get(mid, {}).get("value", "")) if mid else ""

    async def play(self, until: float, every: float, phase: float) -> None:
        p, out = self.page, self.out
        did = p.find("HTMLModel", "slrt-live-did")
        await asyncio.sleep(phase)
        while time.monotonic() < until:
            tick = time.monotonic()
            buttons = [m for m in p.all("ButtonModel", "slrt-live-opt-")
                       if any(m in st.get("children", ()) or f"IPY_MODEL_{m}" in st.get("children", ())
                              for st in p.states.values() if "slrt-live-answers" in st.get("_dom_classes", ()))]
            if buttons:
                n_did = len(p.updates.get(did, []))
                t_press = time.monotonic()
                try:
                    t_idle = await asyncio.wait_for(p.click(buttons[0]), PRESS_TIMEOUT)
                except (asyncio.TimeoutError, TimeoutError):
                    t_idle = None
                seen = p.updates.get(did, [])[n_did:]
                text = str(seen[-1][1].get("value", "")) if seen else ""
                out["presses"].append({"t": t_press, "page_s": None if t_idle is None else t_idle - t_press,
                                       "answered": t_idle is not None, "late": not seen or LATE in text})
            await asyncio.sleep(max(0.0, every - (time.monotonic() - tick)))


async def projector_open(base: str, http, n_teams: int) -> Page:
    from slrt_sim.i18n import t

    p = Page(base, "live_projector.ipynb")
    await p.open(http)
    await p.set(p.find("PasswordModel", "slrt-pin"), value=PIN)
    await p.click(p.find("ButtonModel", "slrt-pin-enter"))
    teams = p.find("BoundedIntTextModel", description=t("live.ui.n_teams", lang="id"))
    speed = p.find("BoundedIntTextModel", description=t("live.ui.speed", lang="id"))
    if teams is None or speed is None:
        raise RuntimeError("projector: the start form did not open (PIN?)")
    await p.set(teams, value=n_teams)
    await p.set(speed, value=int(SECONDS_PER_DAY))
    return p


def served_counts(view_html: str) -> dict[str, int]:
    """Each player's "served" count in the projector view's desk table (row: desk, player, queue, served, …)."""
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", view_html, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        if len(cells) >= 4 and cells[1].startswith("Peserta") and cells[3].isdigit():
            out[cells[1]] = int(cells[3])
    return out


def to_projector(desks: list[Desk], views: list[tuple[float, dict[str, int]]]) -> list[float]:
    """Seconds from each answered press in the projector's game to the first projector view showing it."""
    out = []
    for d in desks:
        for press in d.out["presses"]:
            if not press["answered"] or press["late"]:
                continue
            before = [v.get(d.name, 0) for t, v in views if t <= press["t"]]
            base = before[-1] if before else 0
            shown = next((t for t, v in views if t > press["t"] and v.get(d.name, 0) > base), None)
            out.append(shown - press["t"] if shown is not None else float("inf"))
    return out


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


async def _class(base: str, server_pid: int, n: int, minutes: float, every: float, arrive: int) -> dict:
    import httpx

    from slrt_sim.i18n import t

    desks = [Desk(base, k) for k in range(n)]
    res: dict[str, Any] = {}
    async with httpx.AsyncClient(timeout=PAGE_TIMEOUT) as http:
        t0 = time.monotonic()
        gate = asyncio.Semaphore(arrive)

        async def come(d: Desk) -> None:
            async with gate:
                try:
                    await asyncio.wait_for(d.arrive(http, t0), PAGE_TIMEOUT)
                except Exception as exc:  # noqa: BLE001 - a failed page is a result
                    d.out["error"] = f"arrive: {type(exc).__name__}: {exc}"[:160]

        proj_task = asyncio.create_task(projector_open(base, http, max(1, n // len(TEAM))))
        await asyncio.gather(*(come(d) for d in desks))
        proj = await proj_task
        res["arrival_s"] = time.monotonic() - t0
        res["mem_seated"] = memory(server_pid)
        await proj.click(proj.find("ButtonModel", "slrt-live-start"))
        view = proj.find("HTMLModel", "slrt-live-view")
        playing = await _wait(lambda: all(t("live.ui.playing", lang="id").split("{")[0].strip() in d.status()
                                          for d in desks if not d.out["error"]), 60.0, 0.5)
        res["all_shown_game"] = playing
        for d in desks:
            d.out["shown_game"] = t("live.ui.playing", lang="id").split("{")[0].strip() in d.status()
        res["loadavg_before_play"] = os.getloadavg()
        cpu0, tp = cpu_seconds(server_pid), time.monotonic()
        until = tp + 60.0 * minutes
        rng = random.Random(7)
        await asyncio.gather(*(d.play(until, every, rng.uniform(0, every)) for d in desks if not d.out["error"]))
        cpu1 = cpu_seconds(server_pid)
        res["play_s"] = time.monotonic() - tp
        res["cpu_server_s"], res["cpu_kernels_s"] = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
        res["loadavg_after_play"] = os.getloadavg()
        res["mem_end"] = memory(server_pid)
        views = [(tu, served_counts(st["value"])) for tu, st in proj.updates.get(view, []) if "value" in st]
        res["projector_updates"] = len(views)
        game1 = [d for d in desks if d.team == 1]
        res["to_projector"] = to_projector(game1, views)
        for d in desks:
            presses = d.out["presses"]
            d.out["usable"] = not d.out["error"] and d.out.get("shown_game", False) and all(p["answered"] for p in presses)
        for pg in [proj] + [d.page for d in desks]:
            await pg.close()
        res["closed"] = await _close(base, http, [proj] + [d.page for d in desks])
    res["desks"] = [d.out for d in desks]
    return res


async def _close(base: str, http, pages: list[Page]) -> int:
    ok = 0
    for p in pages:
        if p.kernel_id:
            xsrf = p.xsrf or ""
            r = await http.post(f"{base}/voila/api/shutdown/{p.kernel_id}", data={"_xsrf": xsrf}, cookies={"_xsrf": xsrf})
            ok += r.status_code == 204
    return ok


def run(n: int = 70, minutes: float = 10.0, every: float = 20.0, arrive: int = 4, port: int | None = None,
        log_to: str | None = None) -> dict:
    """One live class of ``n`` trainees (``n // 7`` games) and a projector; see the module docstring."""
    from benchmarks.voila_process import VoilaProcess

    extra = ["--class-size=0", "--SlrtVoila.open_pool=0", "--SlrtVoila.other_pool_size=0",
             "--VoilaConfiguration.default_pool_size=0", f"--max-kernels={n + 10}"]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="slrt-live-load-") as tmp:
        server = VoilaProcess(pin=PIN, db=Path(tmp) / "sessions.sqlite", log_path=Path(tmp) / "voila.log",
                              port=port, extra=extra, startup_timeout=600)
        with server:
            res = asyncio.run(_class(server.url, server.proc.pid, n, minutes, every, arrive))
            log = server.log()
    if log_to:
        Path(log_to).write_text(log, encoding="utf-8")
    return _summary(res, n, minutes, every, load_before, log)


def _summary(res: dict, n: int, minutes: float, every: float, load_before, log: str) -> dict:
    desks = res.pop("desks")
    presses = [p for d in desks for p in d["presses"]]
    own = [p["page_s"] for p in presses if p["page_s"] is not None]
    proj = res.pop("to_projector")
    errors: dict[str, int] = {}
    for d in desks:
        if not d["usable"]:
            key = d["error"] or ("a press not answered" if d.get("shown_game") else "the game not shown")
            errors[key] = errors.get(key, 0) + 1
    mem, mem0 = res.pop("mem_end"), res.pop("mem_seated")
    return {
        "mode": "live", "n": n, "games": n // len(TEAM), "minutes": minutes, "every_s": every,
        "usable": sum(d["usable"] for d in desks), "total": len(desks),
        "projector_usable": res["projector_updates"] > 0 and res["all_shown_game"],
        "presses": len(presses), "desks_without_decision": sum(not d["presses"] for d in desks),
        "late_presses": sum(p["late"] for p in presses),
        "to_projector_n": len(proj), "to_projector_p50_s": _pct(proj, 0.5), "to_projector_p95_s": _pct(proj, 0.95),
        "to_projector_max_s": max(proj) if proj else float("nan"),
        "own_page_p50_s": _pct(own, 0.5), "own_page_p95_s": _pct(own, 0.95),
        "page_median_s": statistics.median([d["page_s"] for d in desks if "page_s" in d] or [float("nan")]),
        "arrival_s": res["arrival_s"], "projector_updates": res["projector_updates"],
        "rss_total_mib": mem["rss_mib"], "pss_total_mib": mem["pss_mib"], "uss_total_mib": mem["uss_mib"],
        "pss_seated_mib": mem0["pss_mib"], "server_rss_mib": mem["server_rss_mib"], "kernels_live": mem["kernels"],
        "cpu_server_s": res["cpu_server_s"], "cpu_kernels_s": res["cpu_kernels_s"], "play_s": res["play_s"],
        "loadavg_before": round(load_before[0], 2), "loadavg_before_play": round(res["loadavg_before_play"][0], 2),
        "loadavg_after_play": round(res["loadavg_after_play"][0], 2), "pages_closed_204": res["closed"],
        "tracebacks_logged": log.count("Traceback"), "errors": errors,
    }


def _table(r: dict) -> str:
    rows = [
        ("trainees, games; play (min), acting every (s)", f"{r['n']}, {r['games']}; {fmt(r['minutes'])}, {fmt(r['every_s'])}"),
        ("desk pages usable / total; projector usable", f"{r['usable']}/{r['total']}; {r['projector_usable']}"),
        ("presses (late: the rules had answered); desks never asked",
         f"{r['presses']} ({r['late_presses']}); {r['desks_without_decision']}"),
        ("press -> projector p50, p95, max (s; game 1, n)",
         f"{fmt(r['to_projector_p50_s'])}, {fmt(r['to_projector_p95_s'])}, {fmt(r['to_projector_max_s'])} "
         f"({r['to_projector_n']})"),
        ("press -> own page answered (kernel idle) p50, p95 (s)", f"{fmt(r['own_page_p50_s'])}, {fmt(r['own_page_p95_s'])}"),
        ("all seated after (s); page arrived, median (s)", f"{fmt(r['arrival_s'])}; {fmt(r['page_median_s'])}"),
        ("PSS seated -> end (MiB); RSS, USS at end (MiB)",
         f"{fmt(r['pss_seated_mib'])} -> {fmt(r['pss_total_mib'])}; {fmt(r['rss_total_mib'])}, {fmt(r['uss_total_mib'])}"),
        ("server RSS (MiB), kernels live", f"{fmt(r['server_rss_mib'])}, {r['kernels_live']}"),
        ("CPU during play: server, kernels (s of a play of s)",
         f"{fmt(r['cpu_server_s'])}, {fmt(r['cpu_kernels_s'])} ({fmt(r['play_s'])})"),
        ("load average: before start, before play, after play",
         f"{r['loadavg_before']}, {r['loadavg_before_play']}, {r['loadavg_after_play']}"),
        ("pages closed (204), tracebacks in the log", f"{r['pages_closed_204']}, {r['tracebacks_logged']}"),
    ]
    if r["errors"]:
        rows.append(("errors", "; ".join(f"{k} x{v}" for k, v in r["errors"].items())))
    return table(rows, ("live load benchmark", "value"))


def ok(r: dict) -> bool:
    """The targets: every page usable, press -> projector p95 <= 2 s, server + kernels <= 5.5 GB (PSS)."""
    return (r["usable"] == r["total"] and r["projector_usable"] and r["to_projector_p95_s"] <= 2.0
            and r["pss_total_mib"] <= 5.5 * 1024)
