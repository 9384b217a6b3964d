"""The one skeleton of both role plays: login -> resume -> save -> submit -> feedback -> outcome.

The front office (:mod:`slrt_sim.apps.front_office`) and the back office
(:mod:`slrt_sim.apps.back_office`) are built from the same small widgets, each with one job and
the ``freeze()/unfreeze()/reset()`` habits of ``voila-optimade-client``:

* :class:`LoginBox` — name and class code, one class lookup (:func:`open_class`: the store, or
  the practice class ``LATIHAN``, registered in the store by whichever app meets it first), one
  code normalisation (:func:`slrt_sim.training.store.norm_code`), the fields kept in the browser
  over a reload (:mod:`slrt_sim.apps.memory`). It takes one callback, ``open_session(name,
  klass)``, and optionally ``check_name(name, klass) -> message | None`` to refuse a name.
* :class:`SavedForm` — the trainee's state of one app in the session store, with the
  "Tersimpan 10:42:03" line.
* :class:`FeedbackPanel` — a short summary first; the per-item detail folds below it
  (``<details>``), then the outcome and the actions ("Kasus berikutnya", "Coba lagi").
* :class:`OutcomePanel` — the household timelines after a submit; a failure there shows one
  line and never hides the grade.
* :class:`Busy` — the sign shown at once for anything that may take over half a second, with
  the form it replaces frozen until the new content is on screen.

Both apps' root widget carries ``slrt-rp`` (plus ``slrt-fo`` / ``slrt-bo``) and every class name
they use starts with ``slrt-``; the look is :data:`CSS`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import html
import threading
import time
from typing import Any, Callable, Iterable, Iterator

import ipywidgets as W

from slrt_sim.apps import _hall, memory, style
from slrt_sim.apps._errors import guarded
from slrt_sim.i18n import t
from slrt_sim.training.core import PRACTICE_CLASS, resolve_class
from slrt_sim.training.inputs import InputError, clean_name
from slrt_sim.training.store import norm_code

__all__ = ["CSS", "Busy", "Field", "FeedbackPanel", "LoginBox", "OutcomePanel", "SavedForm", "open_class",
           "warm_classes", "summary_html"]

WARM_CLASSES = 3
"""How many of the newest classes a pre-heated kernel prepares before anyone logs in."""

CSS = """<style>
.slrt-rp { max-width: 1180px; margin: 0 auto; font-size: 15px; }
.slrt-rp .slrt-card { border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 12px; margin: 6px 0;
                      background: #fff; min-width: 0; }
.slrt-rp .slrt-story { background: #fffbea; line-height: 1.5; }
.slrt-rp table.slrt-t { border-collapse: collapse; font-size: 14px; margin: 4px 0; }
.slrt-rp table.slrt-t td, .slrt-rp table.slrt-t th { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left;
                                                    vertical-align: top; }
.slrt-rp .slrt-field { margin: 2px 0 6px 0; width: 100%; }
.slrt-rp .slrt-label { font-weight: 600; margin-bottom: 2px; }
.slrt-rp .slrt-section { font-size: 16px; font-weight: 700; margin: 10px 0 2px 0; padding-top: 6px;
                         border-top: 2px solid #e1e4e8; color: #24292f; }
.slrt-rp .slrt-err { color: #b71c1c; font-size: 14px; min-height: 0; }
.slrt-rp .slrt-invalid input, .slrt-rp .slrt-invalid textarea, .slrt-rp .slrt-invalid select {
    border: 2px solid #c62828 !important; background: #fff5f5; }
.slrt-rp .slrt-invalid.widget-radio-box, .slrt-rp .slrt-invalid.slrt-checks { border: 2px solid #c62828;
    border-radius: 4px; }
.slrt-rp .slrt-ok { color: #1b7f3b; font-weight: 700; } .slrt-rp .slrt-bad { color: #b3261e; font-weight: 700; }
.slrt-rp .widget-text, .slrt-rp .widget-textarea, .slrt-rp .widget-dropdown { width: 100%; margin-left: 0;
    margin-right: 0; }
.slrt-rp .slrt-checks { display: grid !important; grid-template-columns: repeat(auto-fill, minmax(135px, 1fr));
                        gap: 0 10px; }
.slrt-rp .slrt-q-row { flex-wrap: nowrap; align-items: center; }
.slrt-rp .slrt-box { border: 1px solid #ddd; border-radius: 4px; padding: 6px 10px; margin: 4px 0; background: #fafafa; }
.slrt-rp .slrt-dec-row { align-items: center; }
.slrt-rp .slrt-rule { border-left: 4px solid #0969da; background: #f0f6ff; padding: 6px 10px; margin: 6px 0; }
.slrt-rp .slrt-login { max-width: 480px; }
/* the summary first, the detail folded below it */
.slrt-rp .slrt-summary { font-size: 16px; line-height: 1.45; margin: 4px 0 8px 0; }
.slrt-rp .slrt-summary .slrt-score { font-size: 18px; font-weight: 700; margin: 0 0 4px 0; }
.slrt-rp details.slrt-fold { border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0; background: #fff; }
.slrt-rp details.slrt-fold > summary { min-height: 40px; display: flex; align-items: center; gap: 6px;
    padding: 4px 10px; cursor: pointer; font-weight: 600; list-style: none; }
.slrt-rp details.slrt-fold > summary::-webkit-details-marker { display: none; }
.slrt-rp details.slrt-fold > summary::before { content: "▸"; flex: none; }
.slrt-rp details.slrt-fold[open] > summary::before { content: "▾"; }
.slrt-rp details.slrt-fold > .slrt-fold-body { padding: 4px 10px 8px 10px; }
.slrt-rp .slrt-fb { padding-left: 1.2em; margin: 4px 0; } .slrt-rp .slrt-fb li { margin: 4px 0; }
/* a selected choice is unmistakable: filled blue with a tick */
.slrt-rp .widget-toggle-buttons .widget-toggle-button.mod-active { background: #1f6feb; color: #fff;
    font-weight: 700; box-shadow: none; }
.slrt-rp .widget-toggle-buttons .widget-toggle-button.mod-active::before { content: "✓ "; }
.slrt-frozen { opacity: 0.55; pointer-events: none; }
</style>"""


def _e(x: Any) -> str:
    return html.escape(str(x))


def open_class(code: str, store) -> dict | None:
    """The class of ``code`` (normalised): from the store, else the practice class ``LATIHAN``,
    which is then registered in the store so that both apps and the dashboard see it;
    ``None`` for an unknown code. The one class lookup of both role plays."""
    code = norm_code(code or "")
    klass = resolve_class(code, store)
    if klass is not None and code == PRACTICE_CLASS["code"] and store is not None:
        try:
            if store.get_class(code) is None:
                store.create_class(code, PRACTICE_CLASS["seed"], PRACTICE_CLASS["level"], trainer="")
            klass = dict(store.get_class(code) or klass)
        except Exception:  # noqa: BLE001 - a broken store must not hide the practice class
            pass
    return klass


def warm_classes(store, prepare: Callable[[dict], Any], n: int = WARM_CLASSES) -> threading.Thread:
    """Prepare the ``n`` newest classes (``prepare(klass)``) in a background thread, so that the
    first login finds its cases ready; a missing store or a failure only skips the warm-up."""
    def run() -> None:
        try:
            for k in store.list_classes()[:n]:
                prepare(dict(k))
        except Exception:  # noqa: BLE001 - warming must never stop the app from showing
            pass

    thread = threading.Thread(target=run, name="slrt-rp-warm", daemon=True)
    thread.start()
    return thread


class Field:
    """A labelled form widget with an error message beside it (``slrt-f-<name>``)."""

    def __init__(self, name: str, widget: W.Widget, label: str):
        self.name = name
        self.widget = widget
        self.label = W.HTML(f"<div class='slrt-label'>{_e(label)}</div>")
        self.error = W.HTML("")
        self.error.add_class("slrt-err")
        widget.add_class(f"slrt-f-{name}")
        self.box = W.VBox([self.label, widget, self.error], layout=W.Layout(width="100%"))
        self.box.add_class("slrt-field")

    def mark(self, message: str | None) -> None:
        if message:
            self.widget.add_class("slrt-invalid")
            self.error.value = f"⚠ {_e(message)}"
        else:
            self.widget.remove_class("slrt-invalid")
            self.error.value = ""

    @property
    def marked(self) -> bool:
        return "slrt-invalid" in self.widget._dom_classes


class Busy:
    """A sign of work (spinner and a line of text), shown at once; :meth:`working` freezes the
    widgets given while the work runs and shows the sign, then clears both."""

    def __init__(self):
        self.widget = W.HTML("", layout=W.Layout(display="none"))
        self.widget.add_class("slrt-busy")

    def show(self, text: str) -> None:
        self.widget.value = f"<span class='slrt-busy-sign'>{_e(text)}</span>"
        self.widget.layout.display = None

    def hide(self) -> None:
        self.widget.layout.display = "none"
        self.widget.value = ""

    @contextlib.contextmanager
    def working(self, text: str, *frozen: Any) -> Iterator[None]:
        """``with busy.working("Menilai…", form):`` — ``frozen`` are widgets (greyed, not clickable)
        or objects with ``freeze()``/``unfreeze()``."""
        self.show(text)
        for f in frozen:
            f.freeze() if hasattr(f, "freeze") else f.add_class("slrt-frozen")
        try:
            yield
        finally:
            for f in frozen:
                f.unfreeze() if hasattr(f, "unfreeze") else f.remove_class("slrt-frozen")
            self.hide()


class LoginBox:
    """Name + class code + "Mulai". ``open_session(name, klass)`` opens the role play (its return
    value is ignored); ``check_name(name, klass)`` may refuse a name with a message.

    ``value`` is ``(name, code)`` as typed; :meth:`submit` validates and opens, returning whether
    the session was opened.
    """

    def __init__(self, app: str, open_session: Callable[[str, dict], Any], store: Callable[[], Any],
                 check_name: Callable[[str, dict], str | None] | None = None, loading: str | None = None):
        self.app = app
        self.open_session = open_session
        self.store = store
        self.check_name = check_name
        self.loading = loading or t("rp.login.loading")
        self.name = W.Text(placeholder="Siti Aminah", continuous_update=True)
        self.code = W.Text(placeholder="KELAS-1", continuous_update=True)
        self.name.add_class("slrt-login-name")
        self.code.add_class("slrt-login-class")
        self.f_name = Field("trainee", self.name, t("rp.login.name"))
        self.f_code = Field("class", self.code, t("rp.login.code"))
        self.start = W.Button(description=t("rp.login.start"), button_style="primary", icon="play")
        self.start.add_class("slrt-login-start")
        self.message = W.HTML("")
        self.message.add_class("slrt-login-msg")
        self.busy = Busy()
        self.start.on_click(guarded(lambda _b: self.submit(), self.message, t("rp.login.start")))
        self.memory = memory.remember(f"slrt-{app}-login", {"name": self.name, "code": self.code})
        self.proof = NameProof(self)
        self.form = W.VBox([self.f_name.box, self.proof.widget, self.f_code.box, self.start, self.busy.widget,
                            self.message, self.memory], layout=W.Layout(width="100%"))
        self.form.add_class("slrt-login")
        self.name_code = W.HTML("")  # stays on the page after login: the code that proves this name
        self.name_code.add_class("slrt-name-code")
        self.widget = W.VBox([self.form, self.name_code], layout=W.Layout(width="100%"))

    @property
    def value(self) -> tuple[str, str]:
        return self.name.value, self.code.value

    def submit(self, name: str | None = None, code: str | None = None) -> bool:
        """Check the name and the code (marking a wrong one in the form), then open the session."""
        if name is not None:
            self.name.value = name
        if code is not None:
            self.code.value = code
        self.message.value = ""
        try:
            name = clean_name(self.name.value or "")
        except InputError as exc:
            self.f_name.mark(exc.message())
            return False
        code = norm_code(self.code.value or "") if self.code.value else ""
        self.f_name.mark(None if name else t("rp.login.need_name"))
        klass = open_class(code, self.store()) if code else None
        self.f_code.mark(None if klass else (t("rp.login.need_code") if not code else
                                             t("rp.login.unknown_class", code=code,
                                               practice=PRACTICE_CLASS["code"])))
        if not name or klass is None:
            return False
        refused = self.check_name(name, klass) if self.check_name is not None else None
        if refused:
            self.f_name.mark(refused)
            return False
        if not self.proof.claim(name, klass["code"]):
            return False
        with self.busy.working(self.loading, self):
            self.open_session(name, klass)
        _hall.set_trainee(name)  # named in the trainer's log
        self.form.layout.display = "none"
        return True

    def freeze(self) -> None:
        for w in (self.name, self.code, self.start):
            w.disabled = True

    def unfreeze(self) -> None:
        for w in (self.name, self.code, self.start):
            w.disabled = False

    def reset(self) -> None:
        """Back to an empty, usable login (the fields kept in the browser stay there)."""
        self.unfreeze()
        self.f_name.mark(None)
        self.f_code.mark(None)
        self.message.value = ""
        self.proof.reset()
        self.form.layout.display = None


class NameProof:
    """One person per name: the login asks the store whether this device may use the name in the
    class (:meth:`slrt_sim.training.store.SessionStore.claim_name`). The first device owns it and
    is shown the name's code; another device is asked for that code ("Ya, ini saya") or to pick
    another name. The trainer's own machine (and a kernel outside a class server) is not asked."""

    def __init__(self, login: "LoginBox"):
        self.login = login
        self.code = W.Text(description=t("hall.name.code"), layout=W.Layout(width="220px"))
        self.code.add_class("slrt-name-proof-code")
        self.button = W.Button(description=t("hall.name.prove"), icon="check")
        self.button.add_class("slrt-name-prove")
        self.button.on_click(guarded(lambda _b: self.prove(), login.message, t("hall.name.prove")))
        self.text = W.HTML("")
        self.widget = W.VBox([self.text, W.HBox([self.code, self.button])])
        self.widget.add_class("slrt-name-proof")
        self.widget.layout.display = "none"
        self._pending: tuple[str, str] | None = None

    def claim(self, name: str, class_code: str) -> bool:
        """May this device go on as ``name``? If not, the question is shown and the name marked."""
        who = _hall.whoami()
        if who.get("local"):
            return True
        found = self.login.store().claim_name(class_code, name, who["device"])
        if found["status"] == "ok":
            self.reset()
            self.login.name_code.value = f"<small>{_e(t('hall.name.yours', code=found['code']))}</small>"
            return True
        if found["status"] == "limit":
            self.login.f_name.mark(t("hall.name.limit"))
            return False
        self._pending = (name, class_code)
        self.text.value = f"<p class='slrt-bad'>{_e(t('hall.name.taken', name=name))}</p>"
        self.login.f_name.mark(t("hall.name.taken", name=name))
        self.widget.layout.display = None
        return False

    def prove(self) -> bool:
        """The code typed for the pending name: right, the login goes on; wrong, it says so."""
        if self._pending is None:
            return False
        name, class_code = self._pending
        if clean_name(self.login.name.value or "").casefold() != name.casefold():
            self.reset()  # another name was typed meanwhile: a plain login again
            return self.login.submit()
        verdict = self.login.store().prove_name(class_code, name, _hall.whoami()["device"], self.code.value)
        if verdict != "ok":
            self.text.value = f"<p class='slrt-bad'>{_e(t('hall.name.' + verdict))}</p>"
            return False
        self.reset()
        return self.login.submit()

    def reset(self) -> None:
        self._pending = None
        self.code.value = ""
        self.text.value = ""
        self.widget.layout.display = "none"


class SavedForm:
    """One trainee's state of one app in the session store (saved at every change), and the
    "Tersimpan hh:mm:ss" line that says so."""

    def __init__(self, app: str, store: Callable[[], Any]):
        self.app = app
        self._store = store
        self.trainee = ""
        self.class_code = ""
        self.state: dict = {}
        self.status = W.HTML("")
        self.status.add_class("slrt-saved")

    def open(self, trainee: str, class_code: str) -> dict | None:
        """The saved state of ``trainee`` in the class, or ``None`` (kept as :attr:`state` if any)."""
        self.trainee, self.class_code = trainee, class_code
        saved = self._store().load_progress(trainee, class_code, self.app)
        self.state = saved or {}
        return saved

    def save(self, state: dict | None = None) -> None:
        if state is not None:
            self.state = state
        if not self.trainee:
            return
        from slrt_sim.apps._store import save_progress

        refused = save_progress(self._store(), self.trainee, self.class_code, self.app, self.state)
        if refused:
            self.status.value = refused
            return
        self.status.value = f"<small>{_e(t('bo.saved', time=dt.datetime.now().strftime('%H:%M:%S')))}</small>"

    def reset(self) -> None:
        self.state = {}
        self.status.value = ""


class CaseSequence:
    """The case-by-case glue of a single-player role play (front office, home visit).

    It gives the case on screen, a trainee's state started or resumed, and the move to the next
    case after a submit. The app provides ``cases``, ``state``, ``klass``, ``notice``, ``busy``,
    ``panel``, ``case_box``, ``clock``, ``_new_case_state()``, ``_save()`` and ``_show_case()``;
    :attr:`case_area` names the attribute of the widget frozen while the next case is built, and
    :meth:`_leave_case` clears what must not stay on screen beside the next case.
    """

    case_area = "form"

    @property
    def case(self) -> Any:
        i = self.state.get("case_index", 0)
        return self.cases[i] if 0 <= i < len(self.cases) else None

    def _resume_or_start(self, saved: dict | None, resumed: str, **fresh: Any) -> None:
        """Continue ``saved`` when it belongs to the class as it is now (same level and seed),
        saying so with the catalogue line ``resumed``; else start at the first case with the
        extra state ``fresh``. Then show the case."""
        klass = self.klass
        self.case_box.layout.display = None
        if saved and saved.get("level") == klass["level"] and saved.get("seed") == klass["seed"]:
            self.state = saved
            self.notice.value = f"<div class='slrt-ok'>{_e(t(resumed))}</div>"
        else:
            self.state = {"case_index": 0, "seed": klass["seed"], "level": klass["level"], "scores": {},
                          **fresh}
            self._new_case_state()
        self._show_case()

    def _leave_case(self) -> None:
        """Clear what the next case must not show beside it (nothing by default)."""

    def next_case(self) -> bool:
        """After a submit, move to the next case (saved first, so a reload opens it): True if moved."""
        if not self.state.get("submitted"):
            return False
        self.state["case_index"] = self.state.get("case_index", 0) + 1
        self._new_case_state()
        self._save()
        self.notice.value = ""
        self._leave_case()
        with self.busy.working(t("rp.busy.next"), getattr(self, self.case_area)):
            self.panel.reset()
            self._show_case()
        return True


def summary_html(score: str, right: Iterable[str], wrong: Iterable[str], family: str = "") -> str:
    """The lead of a feedback: the score, then what was right, what was wrong and what it did to
    the family, each at most one sentence (each phrase once)."""
    parts = [f"<p class='slrt-score'>{score}</p>"]
    right, wrong = _unique(right), _unique(wrong)
    if right:
        parts.append(f"<p class='slrt-sum-ok'><span class='slrt-ok'>✔</span> {_e(t('rp.sum.right'))} "
                     f"{_e(', '.join(right))}.</p>")
    if wrong:
        parts.append(f"<p class='slrt-sum-bad'><span class='slrt-bad'>✘</span> {_e(t('rp.sum.wrong'))} "
                     f"{_e(', '.join(wrong))}.</p>")
    if family:
        parts.append(f"<p class='slrt-sum-family'>{_e(family)}</p>")
    return "<div class='slrt-summary'>" + "".join(parts) + "</div>"


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for x in items:
        if x and x not in out:
            out.append(x)
    return out


def fold(title: str, body: str, cls: str = "", open_: bool = False) -> str:
    """A folded block: ``title`` always shown, ``body`` (HTML) on a tap."""
    return (f"<details class='slrt-fold {cls}'{' open' if open_ else ''}><summary>{_e(title)}</summary>"
            f"<div class='slrt-fold-body'>{body}</div></details>")


class OutcomePanel:
    """What the trainee's files did to the households (timelines), shown after a submit, folded
    below the feedback (:func:`fold`, closed: the summary already says what it did to the family).

    Playing the kelurahan takes a few seconds the first time, so it runs in a background thread:
    the grade and the summary are on screen at once, the fold says "Menyiapkan linimasa…" until
    the timelines are there. A :meth:`reset` (the next case) makes a late result of the previous
    case go nowhere. :meth:`wait` joins the thread (tests)."""

    def __init__(self, background: bool = True):
        self.widget = W.HTML("")
        self.widget.add_class("slrt-outcome")
        self.background = background
        self._generation = 0
        self._thread: threading.Thread | None = None

    def show(self, make_html: Callable[[], str], title: str | None = None) -> None:
        self._generation += 1
        generation = self._generation
        title = title or t("rp.sum.timeline")

        def run() -> None:
            try:
                body = make_html()
            except Exception:  # noqa: BLE001 - the grade is saved and shown; the outcome must not break the page
                import logging

                logging.getLogger("slrt_sim.apps").exception("outcome failed")
                body = f"<p class='slrt-err'>{_e(t('oc.ui.error'))}</p>"
            if generation == self._generation:
                self.widget.value = fold(title, body, "slrt-timeline")

        if not self.background:
            run()
            return
        self.widget.value = (f"<div class='slrt-fold slrt-timeline-wait'><span class='slrt-busy-sign'>"
                             f"{_e(t('rp.busy.timeline'))}</span></div>")
        self._thread = threading.Thread(target=run, name="slrt-outcome", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def reset(self) -> None:
        self._generation += 1
        self.widget.value = ""


class FeedbackPanel:
    """The summary, the folded detail, the outcome and the actions ("Kasus berikutnya", "Coba
    lagi"); hidden until :meth:`show`. A hidden helper brings it on screen after a submit."""

    def __init__(self, actions: Iterable[W.Widget] = (), root_class: str = "slrt-feedback-box"):
        from slrt_sim.apps.form_steps import ScrollTop

        self.summary = W.HTML("")
        self.summary.add_class("slrt-feedback")
        self.extra = W.VBox([])
        self.outcome = OutcomePanel()
        self.actions = W.HBox(list(actions))
        self.scroll = ScrollTop(selector=f".{root_class}", layout=W.Layout(display="none"))
        self.widget = W.VBox([self.summary, self.extra, self.outcome.widget, self.actions, self.scroll])
        self.widget.add_class("slrt-card")
        self.widget.add_class(root_class)
        self.widget.layout.display = "none"

    def show(self, summary: str, detail: str = "", detail_title: str | None = None,
             extra: Iterable[W.Widget] = (), outcome: Callable[[], str] | None = None, scroll: bool = True,
             outcome_title: str | None = None) -> None:
        self.summary.value = summary + (fold(detail_title or t("rp.sum.detail"), detail, "slrt-detail")
                                        if detail else "")
        self.extra.children = list(extra)
        if outcome is not None:
            self.outcome.show(outcome, outcome_title)
        self.widget.layout.display = None
        if scroll:
            self.scroll.nonce += 1

    def reset(self) -> None:
        self.summary.value = ""
        self.extra.children = []
        self.outcome.reset()
        self.widget.layout.display = "none"


def now_text(ts: float | None = None) -> str:
    return dt.datetime.fromtimestamp(ts or time.time()).strftime("%H:%M:%S")


def root(widget: W.Widget, app: str) -> W.Widget:
    """Give an app's root widget the role plays' classes (``slrt-rp slrt-<app> slrt-ui``)."""
    for cls in ("slrt-rp", f"slrt-{app}", style.ROOT_CLASS):
        widget.add_class(cls)
    return widget
