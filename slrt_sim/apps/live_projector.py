"""The trainer's live kelurahan page (``notebooks/live_projector.ipynb``): start form, projector
view of each game and the debrief, for a 1920 x 1080 projector (texts 20 px and more).

* **Start** (behind the trainer's PIN, :func:`slrt_sim.apps._hall.check_pin`; on the class server a
  right PIN makes this kernel trusted, so the route takes its ``start`` and ``end``): kelurahan
  (the bundled scenarios, the training kelurahan first), seconds per working day, length in
  simulated days, seed, number of teams and the class whose results keep the debriefs (the store's
  classes, newest first and chosen by default, as the dashboard's newest; or "the players' class",
  the class their desk pages logged in to). The teams are the trainees' own choices (the roster:
  each desk page's ``join``); a desk nobody chose is played by the rules.
* **Projector**: one game at a time, chosen by buttons: the simulated date and progress, the queue
  at each desk with its player and utilisation, households waiting, needs met, complaints, the
  DTKS's exclusion and inclusion error (now against the start), three named households' journeys.
  The page polls the server every ``refresh_seconds`` (1 s: a press shows on the projector within
  2 s at the 95th percentile with 70 players, ``make load DAY=live``) in the kernel's loop.
* **End** a game: the debrief side by side (:func:`slrt_sim.training.live.debrief.debrief`, made
  on the server): outcomes of the team against the rules alone, where the time went (desks), the
  households missed or helped and why, each trainee's accuracy and speed, and a CSV download of
  the debrief's rows (:func:`slrt_sim.training.live.debrief.table`'s columns).
"""
from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import ipywidgets as W

from slrt_sim import i18n
from slrt_sim.apps import _hall, style
from slrt_sim.apps._errors import guarded
from slrt_sim.apps.live_client import LiveError, Poller, client as default_client
from slrt_sim.apps.live_desk import ROLES, option_label
from slrt_sim.i18n import t
from slrt_sim.paths import SCENARIOS, TRAINING_SCENARIO

REFRESH_SECONDS = 1.0
CHECK_EVERY = 15
"""Every this many polls the projector also ends the games it does not show whose time is up."""
PLAY_MINUTES = 20
"""The start form's default speed plays the chosen length in about this many minutes (a bimtek's
role-play slot: a 30-day kelurahan in 20 minutes)."""
ANSWER_SECONDS = 20
"""Wall seconds a trainee has for a decision by default: enough to read the household's card on a
phone and press an answer (the model's own 120 working minutes are 15 s at 60 s a day, and new
trainees in a trial ran out of time on most decisions)."""
JOURNEY_STEPS = 4
"""The last steps of each followed household the projector shows."""
OUTCOMES = ("met", "complaints", "waiting", "decisions", "exclusion", "inclusion")

CSS = """<style>
.slrt-live-proj { font-size: 22px; line-height: 1.4; }
.slrt-live-proj h2 { font-size: 32px; } .slrt-live-proj h3 { font-size: 28px; margin: 10px 0 4px; }
.slrt-live-proj table, .slrt-live-proj td, .slrt-live-proj th { font-size: 22px !important; }
.slrt-live-proj td, .slrt-live-proj th { padding: 4px 12px; }
.slrt-live-proj .jupyter-button, .slrt-live-proj .widget-label, .slrt-live-proj input, .slrt-live-proj select { font-size: 20px; }
.slrt-live-proj .slrt-live-stats { display: flex; flex-wrap: wrap; gap: 12px 28px; }
.slrt-live-proj .slrt-live-stat { font-size: 22px; } .slrt-live-proj .slrt-live-stat b { display: block; font-size: 40px; }
.slrt-live-proj .slrt-live-side { display: flex; flex-wrap: wrap; gap: 24px; } .slrt-live-proj .slrt-live-side > div { flex: 1 1 600px; }
.slrt-live-proj .slrt-bad { color: #b71c1c; }
.slrt-live-proj .widget-html-content, .slrt-live-proj p, .slrt-live-proj .lm-AccordionPanel-title,
.slrt-live-proj .p-Collapse-header, .slrt-live-proj .jupyter-widget-Collapse-header { font-size: 22px; }
.slrt-live-proj .widget-toggle-button { font-size: 22px; min-width: 64px; min-height: 44px; }
</style>"""


def _e(x) -> str:
    return html.escape(str(x))


def _pct(x: float) -> str:
    return f"{100 * float(x):.0f}%"


def scenario_options() -> list[tuple[str, str]]:
    """The bundled scenarios as ``(label, path)``, the training kelurahan first."""
    files = sorted(Path(SCENARIOS).glob("*.yaml"), key=lambda p: (p.resolve() != Path(TRAINING_SCENARIO).resolve(), p.name))
    out = []
    for p in files:
        key = f"scenario.desc.{p.stem}"
        out.append(((t(key).split(":")[0].split(",")[0] if i18n.has(key) else p.stem), str(p)))
    return out


def working_days(scenario: str, days: float) -> tuple[int, float]:
    """The working days in a game's ``days`` (from the end of its warm-up) and the minutes of one
    working day, from the scenario's calendar: the start form turns them into minutes of play."""
    from slrt_sim.domain.calendar import WorkCalendar
    from slrt_sim.domain.scenario import load_scenario
    from slrt_sim.training.live.game import GameConfig

    if scenario not in _CALENDARS:
        _CALENDARS[scenario] = load_scenario(scenario).calendar
    warm = GameConfig.warmup_days
    cal = WorkCalendar(_CALENDARS[scenario], warm + float(days) + 1)
    return max(1, cal.working_days(warm, warm + float(days))), cal.minutes_per_day


_CALENDARS: dict = {}


def stat(label: str, value: str) -> str:
    return f"<div class='slrt-live-stat'><b>{_e(value)}</b>{_e(label)}</div>"


def projector_html(gid: str, s: dict) -> str:
    """One game's projector view from its state (:func:`slrt_sim.training.live.projector.state`)."""
    top = "".join([
        stat(t("live.proj.day"), f"{s['date']} · {_pct(s['progress'])}"),
        stat(t("live.proj.waiting"), s["waiting"]), stat(t("live.proj.met"), s["met"]),
        stat(t("live.proj.complaints"), s["complaints"]),
        stat(t("live.proj.exclusion"), t("live.ui.start_vs_now", now=_pct(s["exclusion"]), start=_pct(s["exclusion_start"]))),
        stat(t("live.proj.inclusion"), t("live.ui.start_vs_now", now=_pct(s["inclusion"]), start=_pct(s["inclusion_start"])))])
    desks = [(_e(t(f"live.desk.{d['role']}")), _e(d["player"] or t("live.ui.nobody")), _e(s["queues"].get(d["role"], 0)),
              _e(d["served"]), _e(_pct(d["utilisation"]))) for d in s["desks"]]
    out = (f"<h3>{_e(t('live.ui.game'))} {_e(gid)}</h3><div class='slrt-live-stats'>{top}</div>"
           + style.table([t("live.ui.desk"), t("live.ui.player"), t("live.proj.queue"), t("live.ui.served"),
                          t("live.proj.utilisation")], desks))
    rows = []
    for j in s.get("journeys", []):
        steps = "<br>".join(_e(step_text(st)) for st in j["steps"][-JOURNEY_STEPS:])
        rows.append((_e(j["name"] or f"#{j['hh']}"), steps))
    if rows:
        out += f"<h3>{_e(t('live.proj.journeys'))}</h3>" + style.table([t("live.ui.household"), t("live.ui.step")], rows)
    return out


def step_text(st: dict) -> str:
    """An event-log step in words: the projector's short form (``live.jstep.*``, for steps whose
    timeline sentence needs more than the row holds), else the outcome timeline's sentence
    (``oc.step.*``), else its code."""
    step, need, program = str(st["step"]), st.get("need") or "", st.get("program") or ""
    key = next((k for k in (f"live.jstep.{step}", f"live.step.{step}", f"oc.step.{step}") if i18n.has(k)), None)
    if key is None:
        return step + (f" ({program})" if program else "")
    need_text = t(f"need.{need}") if i18n.has(f"need.{need}") else need
    return t(key, need=need_text, needs=need_text, program=option_label(program) if program else "")


def why_text(w: dict) -> str:
    if "answer" not in w:
        return t(w["point"])
    return t("live.why.answer", desk=t(f"live.point.{w['point']}"), answer=option_label(str(w["answer"])),
             key=option_label(str(w["key"])))


def summary_lines(db: dict) -> list[str]:
    """The debrief's first words, for a class that has just played: needs met and households still
    waiting against the rules alone, how many of the players' decisions the rules took because time ran out and how many of
    theirs matched the rules, the desk where decisions waited longest, and the households missed
    and helped (the tables below say which and why)."""
    team, rules = db["team"], db["rules"]
    lines = [t("live.sum.met", team=team["met"], rules=rules["met"], waiting=team["waiting"],
               rules_waiting=rules["waiting"],
               verdict=t("live.sum.better" if team["met"] > rules["met"] else
                         "live.sum.worse" if team["met"] < rules["met"] else "live.sum.same"))]
    players = db.get("players") or []
    offered = sum(p["offered"] for p in players)
    if offered:
        answered = sum(p["answered"] for p in players)
        right = round(sum(p["accuracy"] * p["answered"] for p in players))
        lines.append(t("live.sum.answers", offered=offered, answered=answered, late=sum(p["late"] for p in players),
                       right=right))
    slow = max(db.get("desks") or [], key=lambda d: d["wait_minutes"], default=None)
    if slow is not None and slow["wait_minutes"] > 0:
        lines.append(t("live.sum.slowest", desk=t(f"live.desk.{slow['role']}"),
                       player=slow["player"] or t("live.ui.nobody"), minutes=f"{slow['wait_minutes']:.0f}"))
    lines.append(t("live.sum.cases", missed=len(db.get("missed") or []), helped=len(db.get("helped") or [])))
    return lines


def debrief_html(gid: str, db: dict) -> str:
    """The debrief side by side: outcomes, desks, missed and helped households and why, players."""
    outcome = [(_e(t(f"live.ui.out.{k}")), *(_e(_pct(db[side][k]) if k in ("exclusion", "inclusion") else db[side][k])
                                            for side in ("team", "rules"))) for k in OUTCOMES]
    desks = [(_e(t(f"live.desk.{d['role']}")), _e(d["player"] or t("live.ui.nobody")), _e(d["decisions"]),
              _e(_pct(d["utilisation"])), _e(f"{d['wait_minutes']:.0f}")) for d in db["desks"]]
    players = [(_e(p["player"]), _e(p["answered"]), _e(p["late"]), _e(_pct(p["accuracy"])), _e(f"{p['seconds']:.0f}"))
               for p in db["players"]]

    def cases(rows: list[dict]) -> str:
        if not rows:
            return f"<p>{_e(t('live.ui.none_listed'))}</p>"
        return style.table([t("live.ui.household"), t("live.ui.need"), t("live.ui.why")],
                           [(_e(f"#{r['hh']}"), _e(t(f"need.{r['need']}") if i18n.has(f"need.{r['need']}") else r["need"]),
                             _e("; ".join(why_text(w) for w in r["why"]))) for r in rows[:12]])
    left = (f"<h3>{_e(t('live.ui.outcome'))}</h3>"
            + style.table([t("live.ui.outcome"), t("live.debrief.team"), t("live.debrief.rules")], outcome)
            + f"<h3>{_e(t('live.ui.where_time'))}</h3>"
            + style.table([t("live.ui.desk"), t("live.ui.player"), t("live.ui.served"), t("live.proj.utilisation"),
                           t("live.ui.wait_minutes")], desks)
            + f"<h3>{_e(t('live.ui.players'))}</h3>"
            + style.table([t("live.ui.player"), t("live.ui.answered"), t("live.ui.late"), t("live.debrief.accuracy"),
                           t("live.ui.seconds")], players))
    right = (f"<h3>{_e(t('live.debrief.missed'))}</h3>{cases(db['missed'])}"
             f"<h3>{_e(t('live.debrief.helped'))}</h3>{cases(db['helped'])}")
    summary = "".join(f"<li>{_e(line)}</li>" for line in summary_lines(db))
    return (f"<h3>{_e(t('live.ui.debrief'))} · {_e(t('live.ui.game'))} {_e(gid)}</h3>"
            f"<ul class='slrt-live-summary'>{summary}</ul>"
            f"<div class='slrt-live-side'><div>{left}</div><div>{right}</div></div>")


def debrief_csv(gid: str, db: dict) -> bytes:
    """The debrief's rows (:func:`slrt_sim.training.live.debrief.table`) as CSV."""
    from slrt_sim.training.live.debrief import table
    rows = table(db, game=gid)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["game", "section", "name", "metric", "team", "rules"])
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


class LiveProjector:
    """The trainer's page as one widget tree (``.widget``)."""

    def __init__(self, live=None, store=None, refresh_seconds: float = REFRESH_SECONDS):
        self.live = live if live is not None else default_client()
        self.store, self.refresh_seconds = store, refresh_seconds
        self.games: list[str] = []
        self.debriefs: dict[str, dict] = {}
        self.poller = Poller(self.poll, refresh_seconds)
        self._polls = 0
        self.pin = W.Password(description=t("dash.pin.label"), style={"description_width": "initial"})
        self.pin_btn = W.Button(description=t("dash.pin.button"), button_style="primary", icon="lock")
        self.pin_msg = W.HTML(f"<p>{_e(t('dash.pin.prompt'))}</p>")
        self.pin_btn.on_click(guarded(lambda _b: self.unlock(self.pin.value), self.pin_msg, "PIN"))
        self.pin.add_class("slrt-pin")
        self.pin_btn.add_class("slrt-pin-enter")
        self.gate = W.VBox([self.pin_msg, W.HBox([self.pin, self.pin_btn])])
        self.main = W.VBox([])
        self.widget = W.VBox([W.HTML(style.CSS + CSS + f"<h2>{_e(t('live.ui.proj_title'))}</h2>"), self.gate, self.main])
        for cls in ("slrt-live-proj", style.ROOT_CLASS):
            self.widget.add_class(cls)

    def unlock(self, entered: str) -> bool:
        """The trainer's PIN: a right one opens the start form (and trusts this kernel on the server)."""
        verdict, wait = _hall.check_pin(entered, self.store)
        self.pin.value = ""
        if verdict != "ok":
            text = (t("dash.pin.wait", seconds=int(wait) + 1) if verdict == "wait"
                    else t("dash.pin.unset" if verdict == "unset" else "dash.pin.wrong"))
            self.pin_msg.value = f"<p class='slrt-bad'>{_e(text)}</p>"
            return False
        self.gate.layout.display = "none"
        self._build()
        return True

    def _build(self) -> None:
        wide = {"description_width": "initial"}
        self.scenario = W.Dropdown(options=scenario_options(), description=t("live.ui.scenario"), style=wide)
        self.days = W.BoundedIntText(value=30, min=1, max=365, description=t("live.ui.days"), style=wide)
        workdays, _ = working_days(self.scenario.value, self.days.value)
        self.speed = W.BoundedIntText(value=max(5, round(PLAY_MINUTES * 60 / workdays)), min=1, max=600,
                                      description=t("live.ui.speed"), style=wide)
        self.answer_s = W.BoundedIntText(value=ANSWER_SECONDS, min=3, max=600, description=t("live.ui.answer_seconds"),
                                         style=wide)
        self.plan = W.HTML("")
        self.plan.add_class("slrt-live-plan")
        for w in (self.scenario, self.speed, self.days, self.answer_s):
            w.observe(lambda _c: self.show_plan(), names="value")
        self.seed = W.IntText(value=2018, description=t("live.ui.seed"), style=wide)
        self.n_teams = W.BoundedIntText(value=1, min=1, max=12, description=t("live.ui.n_teams"), style=wide)
        self.start_btn = W.Button(description=t("live.ui.start"), button_style="success", icon="play")
        self.start_btn.add_class("slrt-live-start")
        self.start_btn.on_click(guarded(lambda _b: self.start(), lambda: self.msg, "start"))
        self.roster_btn = W.Button(description=t("live.ui.refresh"), icon="refresh")
        self.roster_btn.on_click(guarded(lambda _b: self.show_roster(), lambda: self.roster, "roster"))
        self.roster = W.HTML("")
        self.roster.add_class("slrt-live-roster")
        self.klass = W.Dropdown(options=self.class_options(), description=t("live.ui.class"), style=wide)
        self.klass.add_class("slrt-live-class")
        self.msg = W.HTML("")
        self.form = W.VBox([self.scenario, self.klass, W.HBox([self.days, self.speed, self.answer_s]),
                            W.HBox([self.n_teams, self.seed]), self.plan, self.roster_btn, self.roster, self.start_btn])
        self.fold = W.Accordion(children=[self.form], selected_index=0)  # folded once a game runs: the view fits
        self.fold.set_title(0, t("live.ui.start_title"))
        self.choose = W.ToggleButtons(options=[])
        self.choose.observe(lambda _c: self.refresh(), names="value")
        self.end_btn = W.Button(description=t("live.ui.end"), button_style="danger", icon="stop")
        self.end_btn.add_class("slrt-live-end")
        self.end_btn.on_click(guarded(lambda _b: self.end(), lambda: self.debrief, "end"))
        self.view = W.HTML("")
        self.view.add_class("slrt-live-view")
        self.debrief = W.HTML("")
        self.debrief.add_class("slrt-live-debrief")
        self.game_box = W.VBox([W.HBox([self.choose, self.end_btn]), self.view, self.debrief])
        self.game_box.layout.display = "none"
        self.main.children = [self.fold, self.msg, self.game_box]
        self.show_plan()
        self.show_roster()

    def show_plan(self) -> str:
        """The game's length in minutes of play for the chosen speed, and the time to answer."""
        workdays, _ = working_days(self.scenario.value, self.days.value)
        minutes = workdays * self.speed.value / 60
        self.plan.value = "<p>" + _e(t("live.ui.plan", days=self.days.value, workdays=workdays,
                                        minutes=f"{minutes:.0f}", answer=self.answer_s.value)) + "</p>"
        return self.plan.value

    def _the_store(self):
        if self.store is None:
            from slrt_sim.training.store import SessionStore
            self.store = SessionStore()
        return self.store

    def class_options(self) -> list[tuple[str, str]]:
        """The store's classes as ``(label, code)``, newest first (the default), then the players'
        class (``""``: the class each team's players logged in to). A store that cannot be read
        leaves only the players' class (the debrief is still shown and exported here)."""
        try:
            classes = self._the_store().list_classes()
        except Exception:  # noqa: BLE001 - a damaged store must not stop the class's games
            classes = []
        return [(c["code"], c["code"]) for c in classes] + [(t("live.ui.class_players"), "")]

    def show_roster(self) -> dict:
        """The trainees who chose a desk, by team (and the store's classes again: one the trainer
        made on the dashboard meanwhile appears; the chosen one stays chosen)."""
        chosen, self.klass.options = self.klass.value, self.class_options()
        if chosen in [v for _, v in self.klass.options]:
            self.klass.value = chosen
        try:
            roster = self.live.roster()["roster"]
        except LiveError as exc:
            self.roster.value = f"<p class='slrt-bad'>{_e(exc)}</p>"
            return {}
        if not roster:
            self.roster.value = f"<p>{_e(t('live.ui.roster_empty'))}</p>"
            return roster
        rows = [(_e(tm), _e(t(f"live.desk.{role}")), _e(p)) for p, (tm, role) in
                sorted(roster.items(), key=lambda x: (x[1][0], ROLES.index(x[1][1]), x[0]))]
        self.roster.value = f"<h3>{_e(t('live.ui.roster'))}</h3>" + style.table(
            [t("live.ui.team"), t("live.ui.desk"), t("live.ui.player")], rows)
        self.n_teams.value = max(self.n_teams.value, max(tm for tm, _ in roster.values()))
        return roster

    def start(self) -> list[str]:
        _, day_minutes = working_days(self.scenario.value, self.days.value)
        config = {"scenario": self.scenario.value, "seconds_per_day": float(self.speed.value),
                  "days": float(self.days.value), "seed": int(self.seed.value),
                  "answer_minutes": float(self.answer_s.value) / float(self.speed.value) * day_minutes}
        try:
            games = self.live.start(config, n_teams=int(self.n_teams.value), class_code=self.klass.value or None)
        except LiveError as exc:
            self.msg.value = f"<p class='slrt-bad'>{_e(exc)}</p>"
            return []
        self.games += games
        saved = (t("live.ui.saved_in", klass=self.klass.value) if self.klass.value else t("live.ui.saved_players"))
        self.msg.value = f"<p>{_e(t('live.ui.started', games=', '.join(games)))} {_e(saved)}</p>"
        self.fold.selected_index = None
        self.choose.options = list(self.games)
        self.choose.value = games[0]
        self.game_box.layout.display = None
        self.start_polling()
        return games

    def refresh(self) -> None:
        """Redraw the chosen game's projector view (or its debrief, once ended)."""
        gid = self.choose.value
        if gid is None:
            return
        if gid in self.debriefs:
            self.view.value = ""
            self.debrief.value = self._debrief_block(gid)
            self.end_btn.layout.display = "none"
            return
        self.end_btn.layout.display = None
        self.debrief.value = ""
        try:
            state = self.live.state(gid)
        except LiveError as exc:
            self.view.value = f"<p class='slrt-bad'>{_e(exc)}</p>"
            return
        if state.get("progress", 0.0) >= 1.0:  # time is up: every game's debrief, without a search for the button
            self.end_due()
            return
        self.view.value = projector_html(gid, state)

    def _debrief_block(self, gid: str) -> str:
        from slrt_sim.training.dashboard import download_link
        db = self.debriefs[gid]
        return debrief_html(gid, db) + "<p>" + download_link(debrief_csv(gid, db), f"debrief-game-{gid}.csv",
                                                             "text/csv", t("live.ui.export")) + "</p>"

    def end(self) -> dict | None:
        """End the chosen game; its debrief replaces its projector view."""
        gid = self.choose.value
        if gid is None or gid in self.debriefs:
            return None
        try:
            self.debriefs[gid] = self.live.end(gid)
        except LiveError as exc:
            self.debrief.value = f"<p class='slrt-bad'>{_e(exc)}</p>"
            return None
        self.refresh()
        return self.debriefs[gid]

    def end_due(self) -> list[str]:
        """End every game whose time is up (a late joiners' game started later keeps running) and
        show the chosen one's debrief; returns the games ended."""
        chosen, ended = self.choose.value, []
        for gid in self.games:
            if gid in self.debriefs:
                continue
            try:
                if self.live.state(gid).get("progress", 0.0) >= 1.0:
                    self.debriefs[gid] = self.live.end(gid)
                    ended.append(gid)
            except LiveError as exc:
                self.msg.value = f"<p class='slrt-bad'>{_e(exc)}</p>"
        if ended:
            self.msg.value = f"<p>{_e(t('live.ui.time_up'))}</p>"
        if chosen in self.debriefs:
            self.refresh()
        return ended

    def poll(self) -> None:
        """One poll: redraw the chosen game while it runs (a debrief stays as it is); every
        ``CHECK_EVERY`` polls, end the other games whose time is up."""
        self._polls += 1
        if self.choose.value not in self.debriefs:
            self.refresh()
        if self._polls % CHECK_EVERY == 0 and any(g not in self.debriefs for g in self.games):
            self.end_due()

    def start_polling(self) -> bool:
        """Poll the chosen game every ``refresh_seconds`` (:class:`~slrt_sim.apps.live_client.Poller`)."""
        return self.poller.start()


def show(live=None) -> LiveProjector:
    """Display the trainer's page in a notebook / Voila page and return it."""
    from IPython.display import display

    app = LiveProjector(live)
    display(app.widget)
    return app
