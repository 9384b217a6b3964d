"""The trainee's desk in a live kelurahan (``notebooks/live_desk.ipynb``), phone first.

The trainee logs in with their name and the class code (the role plays' login box,
:class:`slrt_sim.apps.roleplay.LoginBox`), chooses a team and a desk (FO, BO, manager, fasilitator,
supervisor) and takes it (:meth:`LiveDeskApp.sit`: the roster, ``join``); when the trainer starts
the class, the page shows the decision pending at the desk with the household's story and facts
(what the office knows: never the true decile), the answers as big buttons, the time left, the
team's queues and, after an answer, one line on what it did.

The game lives on the class server (:mod:`slrt_sim.apps.live_client`); the page polls it every
``refresh_seconds`` (1.5 s) in the kernel's event loop (no thread, the kernel stays free), and
:meth:`LiveDeskApp.refresh` is the whole poll, so the tests call it directly. Decisions:

* the player's name is their id in the class's lobby (names are unique in a class: the login's
  name proof);
* a decision that vanished before the player answered was answered by the rules (time up): the
  page says so (``live.answer.late``);
* the household is asked once per decision (cached), the team's queues at every poll.
"""
from __future__ import annotations

import html
from typing import Any, Callable

import ipywidgets as W

from slrt_sim import i18n
from slrt_sim.apps import live_visit, roleplay, style
from slrt_sim.apps._errors import guarded
from slrt_sim.apps.live_client import LiveError, Poller, client as default_client
from slrt_sim.i18n import t

APP = "live"
ROLES = ("fo", "bo", "manager", "fasilitator", "supervisor")
"""The desks, in the pathway's order (:data:`slrt_sim.model.desks.ROLES`; the apps do not import the model)."""
MAX_TEAMS = 12
REFRESH_SECONDS = 1.5
FLAGS = ("house_unfit", "missing_docs", "has_disability", "has_elderly_60", "has_pregnant", "n_child_0_6",
         "n_out_of_school_7_18", "receives_pkh", "receives_bpnt", "receives_pbi")
MEMBER_COLUMNS = (("relation", "relation"), ("age", None), ("occupation", "work"), ("schooling", "school"),
                  ("disability", "disability"))

CSS = style.CSS + roleplay.CSS + """<style>
.slrt-live-desk { max-width: 560px; margin: 0 auto; }
.slrt-live-desk .slrt-live-answers .jupyter-button { min-height: 48px; font-size: 17px; flex: 1 1 45%; }
.slrt-live-desk .slrt-live-status { font-size: 16px; font-weight: 600; }
.slrt-live-desk .slrt-live-card { border: 1px solid #ccd; border-radius: 8px; padding: 8px 10px; background: #fafbff; }
.slrt-live-desk .slrt-live-did p { margin: 0; font-size: 16px; background: #eef7ee; border-radius: 6px; padding: 4px 8px; }
.slrt-live-desk .slrt-live-left { color: #a40; font-weight: 600; }
.slrt-live-desk .slrt-live-seat .widget-toggle-buttons .widget-toggle-button { min-width: 48px; }
</style>"""


def _e(x: Any) -> str:
    return html.escape(str(x))


def _p(text: str) -> str:
    """A paragraph (the answer's line is boxed only when there is one)."""
    return f"<p>{_e(text)}</p>"


def option_label(option: str) -> str:
    """A decision's answer as the button shows it: a programme's name, a decile, or the answer's label."""
    if option.isdigit():
        return t("live.ui.decile", d=option)
    if i18n.has(f"live.answer.{option}"):
        return t(f"live.answer.{option}")
    return t(f"prog.{option}.name") if i18n.has(f"prog.{option}.name") else option


def did_line(point: str, answer: str) -> str:
    """One line on what ``answer`` at ``point`` does in the game."""
    if point in ("record_verval", "check_verval"):
        return t(f"live.did.{point}", answer=answer)
    if i18n.has(f"live.did.{answer}"):
        return t(f"live.did.{answer}")
    return t("live.did.program", program=option_label(answer))


def _label(column: str, value: Any) -> str:
    try:
        return i18n.category_label(column, value)
    except KeyError:
        return str(value)


def household_html(d: dict, seen: dict) -> str:
    """The decision's household in short: need, programme, how it came, DTKS, what the office knows."""
    facts = d.get("facts") or {}
    rows = [(t("live.ui.need"), _label_need(d.get("need")))]
    if facts.get("program"):
        rows.append((t("live.ui.program"), option_label(str(facts["program"]))))
    office = str(facts.get("office", ""))
    if office:
        rows.append((t("live.ui.office"), t(f"live.office.{office}") if i18n.has(f"live.office.{office}") else office))
    rows.append((t("live.ui.dtks"), t("live.ui.in_dtks", decile=facts.get("dtks_decile")) if facts.get("in_dtks")
                 else t("live.ui.not_in_dtks")))
    if facts.get("waiting"):
        rows.append((t("live.ui.quota_waiting"), str(facts["waiting"])))
    flags = [t(f"live.ui.flag.{f}") for f in FLAGS if seen.get(f)]
    if flags:
        rows.append((t("live.ui.flags"), "; ".join(flags)))
    return style.table(["", ""], [(_e(a), _e(b)) for a, b in rows], stack=False)


def members_html(seen: dict) -> str:
    """The household's members (below the answers: the phone shows the question and buttons first)."""
    members = seen.get("members") or []
    if not members:
        return ""
    head = [t("live.ui.member.name")] + [t(f"live.ui.member.{k or c}") for c, k in MEMBER_COLUMNS]
    body = [[_e(f"{m.get('first_name', '')} {m.get('last_name', '')}".strip())]
            + [_e(m.get(c, "") if k is None or c == "age" else _label(c, m.get(c, ""))) for c, k in MEMBER_COLUMNS]
            for m in members]
    return f"<h4>{_e(t('live.ui.members'))}</h4>" + style.table(head, body)


def _label_need(need: Any) -> str:
    return t(f"need.{need}") if need and i18n.has(f"need.{need}") else str(need or "")


class LiveDeskApp:
    """The whole page as one widget tree (``.widget``); the methods are what the buttons do."""

    def __init__(self, live=None, store=None, check_name: Callable[[str, dict], str | None] | None = None,
                 refresh_seconds: float = REFRESH_SECONDS):
        self.live = live if live is not None else default_client()
        self._store = store
        self.refresh_seconds = refresh_seconds
        self.player, self.game, self.seat = "", None, None
        self.current: dict | None = None
        self._seen: dict[int, dict] = {}
        self.poller = Poller(self.refresh, refresh_seconds)
        self._build(check_name)

    @property
    def store(self):
        if self._store is None:
            from slrt_sim.training.store import SessionStore
            self._store = SessionStore()
        return self._store

    # ------------------------------------------------------------------ layout
    def _build(self, check_name) -> None:
        self.title = W.HTML(f"<h2>{_e(t('live.ui.desk_title'))}</h2><p>{_e(t('live.ui.desk_intro'))}</p>")
        self.login_box = roleplay.LoginBox(APP, self._open, lambda: self.store, check_name=check_name)
        self.team = W.ToggleButtons(options=[str(i) for i in range(1, MAX_TEAMS + 1)], value=None)
        self.desk = W.ToggleButtons(options=[(t(f"live.desk.{r}"), r) for r in ROLES], value=None)
        self.sit_btn = W.Button(description=t("live.ui.sit"), button_style="primary", icon="check",
                                layout=W.Layout(width="100%"))
        self.team.add_class("slrt-live-team")
        self.desk.add_class("slrt-live-role")
        self.sit_btn.add_class("slrt-live-sit")
        self.sit_btn.on_click(guarded(lambda _b: self.sit(), lambda: self.seat_msg, t("live.ui.sit")))
        self.seat_msg = W.HTML("")
        self.seat_box = W.VBox([W.HTML(f"<b>{_e(t('live.ui.team'))}</b>"), self.team,
                                W.HTML(f"<b>{_e(t('live.ui.desk'))}</b>"), self.desk, self.sit_btn, self.seat_msg])
        self.seat_box.add_class("slrt-live-seat")
        self.seat_box.layout.display = "none"
        self.status = W.HTML("")
        self.status.add_class("slrt-live-status")
        self.did = W.HTML("")
        self.did.add_class("slrt-live-did")
        self.card = W.HTML("")
        self.card.add_class("slrt-live-card")
        self.answers = W.HBox([])
        self.answers.add_class("slrt-live-answers")
        self.queue = W.HTML("")
        self.members = W.HTML("")
        self.play_box = W.VBox([self.status, self.did, self.card, self.answers, self.queue, self.members])
        self.play_box.layout.display = "none"
        self.widget = W.VBox([W.HTML(CSS), self.title, self.login_box.widget, self.seat_box, self.play_box],
                             layout=W.Layout(width="100%"))
        self.widget.add_class("slrt-live-desk")
        roleplay.root(self.widget, APP)

    # ------------------------------------------------------------------ login, seat
    def _open(self, name: str, klass: dict) -> None:
        self.player, self.class_code = name, klass.get("code")
        self.seat_box.layout.display = None

    def sit(self, team: int | str | None = None, role: str | None = None) -> bool:
        """Take ``role``'s desk of team ``team`` (or the ones chosen on the page)."""
        if team is not None:
            self.team.value = str(team)
        if role is not None:
            self.desk.value = role
        if not self.player or self.team.value is None or self.desk.value is None:
            self.seat_msg.value = f"<span class='slrt-err'>{_e(t('live.ui.need_seat'))}</span>"
            return False
        try:
            got = self.live.join(self.player, int(self.team.value), self.desk.value, getattr(self, "class_code", None))
        except LiveError as exc:
            self.seat_msg.value = f"<span class='slrt-err'>{_e(t('live.ui.error', reason=exc))}</span>"
            return False
        self.seat = (int(got["team"]), str(got["role"]))
        self.seat_msg.value = _e(t("live.ui.seated", name=self.player, desk=t(f"live.desk.{self.seat[1]}"),
                                   team=self.seat[0]))
        self.play_box.layout.display = None
        self.refresh()
        self.start_polling()
        return True

    # ------------------------------------------------------------------ the poll
    def refresh(self) -> None:
        """One poll: the game, the pending decision, the team's queues."""
        try:
            reply = self.live.pending(self.player)
        except LiveError as exc:
            self.status.value = _e(t("live.ui.error", reason=exc))
            return
        game, pending = reply.get("game"), reply.get("pending") or []
        if game is None:
            self.status.value = _e(t("live.ui.ended") if self.game is not None else
                                   t("live.ui.late_join") if self._running() else t("live.ui.waiting_start"))
            self._show(None)
            if self.game is not None:  # ended: nothing more will come, so no "wait" under "ended"
                self.card.value = ""
            return
        if self.game is None:  # playing: the decision comes first on a phone, the intro goes
            self.title.value = f"<h2>{_e(t('live.ui.desk_title'))}</h2>"
        self.game = game
        self.seat_box.layout.display = "none"
        mine = pending[0] if pending else None
        if self.current is not None and (mine is None or mine["id"] != self.current["id"]):
            self.did.value = _p(t("live.answer.late"))  # it left without our answer: the rules took it
        if mine is None or self.current is None or mine["id"] != self.current["id"]:
            self._show(mine)
        state = self._state()
        date = state.get("date", "") if state else ""
        waiting = mine["waiting"] if mine else (state or {}).get("queues", {}).get(self.seat[1] if self.seat else "", 0)
        self.status.value = _e(t("live.ui.playing", game=game, date=date, left=waiting))
        if mine is not None:
            self._left.value = (f"<span class='slrt-live-left'>"
                                f"{_e(t('live.ui.seconds_left', s=max(0, round(mine['seconds_left']))))}</span>")

    def _running(self) -> bool:
        """Whether the class's games are running already (this player joined late)."""
        try:
            return bool(self.live.roster().get("games"))
        except LiveError:
            return False

    def _state(self) -> dict | None:
        try:
            state = self.live.state(self.game)
        except LiveError:
            return None
        rows = [(_e(t(f"live.desk.{r}")), _e(n)) for r, n in state.get("queues", {}).items()]
        self.queue.value = f"<h4>{_e(t('live.ui.team_queue'))}</h4>" + style.table(
            [t("live.ui.desk"), t("live.proj.queue")], rows, stack=False)
        return state

    def _show(self, d: dict | None) -> None:
        """Show decision ``d`` (or that there is none)."""
        self.current = d
        if d is None:
            self.card.value = f"<p>{_e(t('live.ui.nothing'))}</p>" if self.game is not None else ""
            self.answers.children = []
            self.members.value = ""
            return
        if d["id"] not in self._seen:
            try:
                self._seen = {d["id"]: self.live.household(self.player, d["hh"])}
            except LiveError:
                self._seen = {d["id"]: {}}
        seen = self._seen[d["id"]]
        members = seen.get("members") or []
        head = f"{members[0].get('first_name', '')} {members[0].get('last_name', '')}".strip() if members else f"#{d['hh']}"
        self._left = W.HTML("")
        self.card.value = (f"<h3>{_e(t('live.point.' + d['point']))}</h3><p><b>{_e(head)}</b></p>"
                           + household_html(d, seen))
        self.members.value = members_html(seen)
        if live_visit.show(self, d, head):  # the fasilitator's choice of a visit, or the visit's form
            return
        buttons = []
        for option in d["options"]:
            b = W.Button(description=option_label(option), button_style="info")
            b.add_class(f"slrt-live-opt-{option}")
            b.on_click(guarded(lambda _b, o=option: self.choose(o), lambda: self.did, "answer"))
            buttons.append(b)
        self.answers.children = [self._left] + buttons

    def choose(self, option: str) -> bool:
        """Answer the shown decision with ``option``; the line under the status says what it did."""
        d = self.current
        if d is None:
            return False
        try:
            ok = self.live.answer(self.player, d["id"], option)
        except LiveError as exc:
            self.did.value = _p(t("live.ui.error", reason=exc))
            return False
        self.did.value = _p((live_visit.answer_line(d, option) or t("live.ui.you_answered", answer=option_label(option))
                             + " " + did_line(d["point"], option)) if ok else t("live.answer.late"))
        self.current = None
        self._show(None)
        self.refresh()
        return ok

    def start_polling(self) -> bool:
        """Poll the game every ``refresh_seconds`` (:class:`~slrt_sim.apps.live_client.Poller`)."""
        return self.poller.start()


def show(live=None) -> LiveDeskApp:
    """Display the desk page in a notebook / Voila page and return it."""
    from IPython.display import display

    app = LiveDeskApp(live)
    display(app.widget)
    return app
