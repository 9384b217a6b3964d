"""The trainer dashboard's logic: PIN check, class results, mistakes by rule, discussion, export.

Presentation is in :mod:`slrt_sim.apps.dashboard`; the data come from
:class:`slrt_sim.training.store.SessionStore`. Nothing here needs a browser or a widget, so
the tests call it directly.

* **PIN.** :func:`check_pin` compares in constant time and throttles failures of one
  ``scope`` through the store: after :data:`FREE_FAILURES` failures each further try waits
  twice as long as the one before (1, 2, 4 … s), and after :data:`LOCK_FAILURES` the scope
  waits :data:`LOCK_SECONDS`; every failure is logged. A success clears the count. A class
  server throttles per device instead, in the server (:mod:`slrt_sim.server.guard`); this
  store-based check is what a kernel without that server uses, with a scope of its own.
* **Sections.** The live table, the score plot, the mistakes, the export links and the
  discussion are built independently (:func:`section`): a failure in one shows one short
  line in that section and is logged; the others are drawn.
* **Exports.** Text cells that a spreadsheet would read as a formula (starting with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return) are neutralised with a leading
  apostrophe (:func:`neutralise`).
"""
from __future__ import annotations

import base64
import datetime as dt
import hmac
import html
import io
import json
import logging
import os
import time
from typing import Any, Callable

from slrt_sim.i18n import catalogue, fmt_num, get_language, has, t
from slrt_sim.training.views import registration_html, table_html

log = logging.getLogger("slrt_sim.dashboard")

PIN_ENV = "SLRT_TRAINER_PIN"
RESULT_COLUMNS = ("trainee", "app", "case_id", "score", "max_score", "pct", "minutes", "submitted")
FREE_FAILURES = 5
"""Wrong PINs allowed without delay (server-wide)."""
LOCK_FAILURES = 15
"""Wrong PINs after which the dashboard is locked for :data:`LOCK_SECONDS`."""
LOCK_SECONDS = 900.0
MAX_DELAY_S = 300.0


# ---------------------------------------------------------------------------- PIN
def pin_delay(failures: int) -> float:
    """Seconds to wait after the last failure before the next try is checked."""
    if failures >= LOCK_FAILURES:
        return LOCK_SECONDS
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY_S, 2.0 ** (failures - FREE_FAILURES))


def check_pin(entered: str, expected: str | None = None, store=None, now: float | None = None,
              scope: str = "dashboard") -> str:
    """``"ok"``, ``"wrong"``, ``"wait"`` (throttled: try again later, see :func:`pin_wait`), or
    ``"unset"`` when the server has no PIN (nothing is shown then).

    With a ``store`` the failures are counted server-wide (all kernels share the database).
    """
    pin = (os.environ.get(PIN_ENV, "") if expected is None else expected).strip()
    if not pin:
        return "unset"
    if store is not None and pin_wait(store, now, scope) > 0:
        return "wait"
    given = "".join(str(entered or "").split())
    if hmac.compare_digest(given.encode(), pin.encode()):
        if store is not None:
            store.reset_pin_failures(scope)
        return "ok"
    if store is not None:
        n = store.record_pin_failure(time.time() if now is None else now, scope)
        log.warning("trainer PIN: wrong attempt %d (next try in %.0f s)", n, pin_delay(n))
    else:
        log.warning("trainer PIN: wrong attempt")
    return "wrong"


def pin_wait(store, now: float | None = None, scope: str = "dashboard") -> float:
    """Seconds before the next PIN try is accepted (0 when it may be tried now)."""
    failures, last = store.pin_failures(scope)
    now = time.time() if now is None else now
    return max(0.0, last + pin_delay(failures) - now) if failures else 0.0


# ---------------------------------------------------------------------------- results
def results(store, class_code: str):
    """One row per submission: trainee, app, case, score, max, percent, minutes, submitted time."""
    import pandas as pd

    sub = store.submissions(class_code)
    if sub.empty:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    out = pd.DataFrame({
        "trainee": sub["trainee"], "app": sub["app"], "case_id": sub["case_id"],
        "score": sub["score"].astype(float), "max_score": sub["max_score"].astype(float),
    })
    out["pct"] = (100 * out["score"] / out["max_score"].where(out["max_score"] > 0)).fillna(0).round(1)
    out["minutes"] = (sub["duration_s"].astype(float) / 60).round(1)
    out["submitted"] = [dt.datetime.fromtimestamp(x).strftime("%Y-%m-%d %H:%M:%S") for x in sub["submitted_at"]]
    return out


def summary(df) -> dict[str, Any]:
    if df.empty:
        return {"n": 0, "trainees": 0, "mean": float("nan"), "median": float("nan")}
    return {"n": int(len(df)), "trainees": int(df["trainee"].str.casefold().nunique()),
            "mean": float(df["pct"].mean()), "median": float(df["pct"].median())}


def fingerprint(store, class_code: str) -> tuple:
    """Changes whenever a submission or a live game's debrief arrives (the live view redraws only then)."""
    sub = store.submissions(class_code)
    return (len(sub), int(sub["id"].max()) if len(sub) else 0, store.n_debriefs(class_code))


class _Blank(dict):
    """Placeholders of a rule sentence the class view cannot fill (a trainee's own values) read "…"."""

    def __missing__(self, key: str) -> str:
        return "…"


def rule_text(rule: str, lang: str | None = None) -> str:
    """The sentence of a rule key (catalogue), its per-trainee placeholders shown as "…";
    the key itself when it is a free item name."""
    if not (rule and has(rule)):
        return rule or ""
    from slrt_sim.training.back_office import STALE_YEARS

    text = catalogue()[rule][lang or get_language()]
    return text.format_map(_Blank(program=t("bo.program_generic", lang=lang), years=STALE_YEARS))


def mistakes_by_rule(store, class_code: str):
    """Not-ok feedback items per rule: ``rule``, ``text``, ``count``, ``trainees`` (distinct)."""
    import pandas as pd

    counts: dict[str, list] = {}
    for row in store.submissions(class_code).itertuples(index=False):
        for fb in json.loads(row.feedback):
            if fb.get("ok"):
                continue
            entry = counts.setdefault(str(fb.get("rule") or fb.get("item")), [0, set()])
            entry[0] += 1
            entry[1].add(row.trainee_key)
    data = [(r, rule_text(r), n, len(ts)) for r, (n, ts) in counts.items()]
    df = pd.DataFrame(data, columns=["rule", "text", "count", "trainees"])
    return df.sort_values(["count", "rule"], ascending=[False, True], ignore_index=True)


def score_histogram_png(df, class_code: str) -> bytes:
    """Score distribution (percent of the maximum) as a PNG, with Indonesian (catalogue) labels."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.2), dpi=96)
    ax = fig.add_subplot()
    bins = list(range(0, 101, 10))
    for app, color in (("fo", "#4c72b0"), ("bo", "#dd8452"), ("hv", "#55a868")):
        part = df[df["app"] == app]["pct"] if not df.empty else []
        if len(part):
            ax.hist(part.clip(0, 100), bins=bins, alpha=0.75, color=color, label=t(f"dash.app.{app}"))
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("dash.plot.x"))
    ax.set_ylabel(t("dash.plot.y"))
    ax.set_title(t("dash.plot.title", code=class_code))
    ax.yaxis.get_major_locator().set_params(integer=True)
    if not df.empty:
        ax.legend()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


# ---------------------------------------------------------------------------- export
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _safe_frame(df):
    from pandas.api.types import is_numeric_dtype

    out = df.copy()
    for col in out.columns:
        if not is_numeric_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


_RESULT_HEADERS = {"trainee": "dash.col.trainee", "app": "dash.col.app", "case_id": "dash.col.case",
                   "score": "dash.col.score", "max_score": "dash.col.max", "pct": "dash.col.pct",
                   "minutes": "dash.col.minutes", "submitted": "dash.col.time"}
_MISTAKE_HEADERS = {"text": "dash.col.rule", "count": "dash.col.count", "trainees": "dash.col.trainees"}
_ITEM_HEADERS = {"trainee": "dash.col.trainee", "app": "dash.col.app", "case_id": "dash.col.case",
                 "item": "dash.col.item", "rule": "dash.col.rule", "message": "dash.col.why"}


def _for_people(df, headers: dict[str, str], lang: str | None = None):
    """A frame as a Dinas Sosial reads it: the columns of ``headers`` only, named in the language
    (Indonesian, English with ``SLRT_LANG=en``), the app named, never a code key."""
    out = df[[c for c in headers if c in df.columns]].copy()
    if "app" in out.columns:
        out["app"] = out["app"].map(lambda a: t(f"dash.app.{a}", lang=lang) if a in ("fo", "bo", "hv") else a)
    out.columns = [t(headers[c], lang=lang) for c in out.columns]
    return out


def item_mistakes(store, class_code: str, lang: str | None = None):
    """One row per wrong item of each trainee's submissions: trainee, app, case, item, the rule's
    sentence (:func:`rule_text`) and the feedback the trainee read — what a trainer needs to
    follow up each person (columns ``trainee, app, case_id, item, rule, message``)."""
    import pandas as pd

    rows = []
    for row in store.submissions(class_code).itertuples(index=False):
        for fb in json.loads(row.feedback):
            if not fb.get("ok"):
                rows.append((row.trainee, row.app, row.case_id, str(fb.get("item") or ""),
                             rule_text(str(fb.get("rule") or ""), lang) if fb.get("rule") else "",
                             str(fb.get("message") or "")))
    return pd.DataFrame(rows, columns=list(_ITEM_HEADERS)).sort_values(
        ["trainee", "app", "case_id"], kind="stable", ignore_index=True)


def export_csv(df, lang: str | None = None) -> bytes:
    """The results as CSV for Excel: UTF-8 with BOM (names read right), headers in the language;
    in Indonesian the separator is ``;`` and the decimal mark ``,`` (Excel with Indonesian
    settings splits nothing else), in English ``,`` and ``.``. Formulas are neutralised."""
    indonesian = (lang or get_language()) == "id"
    frame = _safe_frame(_for_people(df, _RESULT_HEADERS, lang))
    return frame.to_csv(index=False, sep=";" if indonesian else ",",
                        decimal="," if indonesian else ".").encode("utf-8-sig")


_TEAM_HEADERS = {c: f"dash.live.col.{c}" for c in (
    "game", "players", "met", "met_rules", "complaints", "complaints_rules", "waiting", "waiting_rules", "decisions",
    "exclusion", "exclusion_rules", "inclusion", "inclusion_rules", "missed", "helped")}
_PLAYER_HEADERS = {c: f"dash.live.col.{c}" for c in (
    "game", "player", "desks", "offered", "answered", "late", "accuracy", "minutes", "seconds", "moved")}


def debrief_frames(store, class_code: str, lang: str | None = None):
    """The class's live games (their saved debriefs) as two frames, per team and per player
    (:func:`slrt_sim.training.live.debrief.class_rows`); desks named in the language, shares as
    percentages."""
    import pandas as pd

    from slrt_sim.training.live.debrief import PLAYER_COLUMNS, TEAM_COLUMNS, class_rows

    teams, players = class_rows(store.debriefs(class_code))
    tf, pf = pd.DataFrame(teams, columns=list(TEAM_COLUMNS)), pd.DataFrame(players, columns=list(PLAYER_COLUMNS))
    for col in ("exclusion", "exclusion_rules", "inclusion", "inclusion_rules"):
        tf[col] = (100 * tf[col].astype(float)).round(1)
    pf["accuracy"] = (100 * pf["accuracy"].astype(float)).round(1)
    pf[["minutes", "seconds"]] = pf[["minutes", "seconds"]].astype(float).round(1)
    pf["desks"] = pf["desks"].map(lambda ds: ", ".join(_desk_name(d, lang) for d in str(ds).split(", ") if d))
    return tf, pf


def _desk_name(seat: str, lang: str | None) -> str:
    """``fasilitator1`` -> "Fasilitator 1" (the desk's role in the language and its number)."""
    role = seat.rstrip("0123456789")
    return f"{t(f'live.desk.{role}', lang=lang)} {seat[len(role):]}".strip() if has(f"live.desk.{role}") else seat


def export_xlsx(df, mistakes=None, items=None, lang: str | None = None, live=None) -> bytes:
    """The main export: an Excel workbook with the results, the mistakes by rule and (``items``,
    :func:`item_mistakes`) each trainee's wrong items, and (``live``, :func:`debrief_frames`) the
    class's live games per team and per player; headers and sheet names in the language,
    formulas neutralised."""
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        _safe_frame(_for_people(df, _RESULT_HEADERS, lang)).to_excel(xw, sheet_name=t("sheet.results", lang=lang),
                                                                      index=False)
        if mistakes is not None:
            _safe_frame(_for_people(mistakes, _MISTAKE_HEADERS, lang)).to_excel(
                xw, sheet_name=t("sheet.mistakes", lang=lang), index=False)
        if items is not None:
            _safe_frame(_for_people(items, _ITEM_HEADERS, lang)).to_excel(
                xw, sheet_name=t("sheet.item_mistakes", lang=lang), index=False)
        if live is not None and len(live[0]):
            for frame, headers, sheet in ((live[0], _TEAM_HEADERS, "sheet.live_teams"),
                                          (live[1], _PLAYER_HEADERS, "sheet.live_players")):
                _safe_frame(_for_people(frame, headers, lang)).to_excel(xw, sheet_name=t(sheet, lang=lang),
                                                                         index=False)
    return buf.getvalue()


def export_live_csv(frame, headers: dict[str, str], lang: str | None = None) -> bytes:
    """A live-game frame (per team or per player) as CSV, as :func:`export_csv` writes the results."""
    indonesian = (lang or get_language()) == "id"
    return _safe_frame(_for_people(frame, headers, lang)).to_csv(
        index=False, sep=";" if indonesian else ",", decimal="," if indonesian else ".").encode("utf-8-sig")


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_link(data: bytes, filename: str, mime: str, label: str, cls: str = "") -> str:
    """A link that downloads ``data`` from the page itself (a data URI: works offline)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a class="{html.escape(cls)}" download="{html.escape(filename)}" '
            f'href="data:{mime};base64,{b64}">{html.escape(label)}</a>')


# ---------------------------------------------------------------------------- sections
def section(name: str, build: Callable[[], str]) -> str:
    """``build()``, or — if it fails — one short line naming the section (the error is logged)."""
    try:
        return build()
    except Exception:  # noqa: BLE001 - one section's failure must not blank the dashboard
        log.exception("dashboard section %s failed", name)
        return f'<p class="slrt-bad slrt-section-error">{html.escape(t("dash.section_failed", section=name))}</p>'


def live_html(df) -> str:
    """The live table of submissions, newest first, under a one-line summary."""
    if df.empty:
        return f"<p>{html.escape(t('dash.none'))}</p>"
    s = summary(df)
    head = t("dash.summary", n=s["n"], trainees=s["trainees"], mean=fmt_num(s["mean"], 0),
             median=fmt_num(s["median"], 0))
    rows = [[r.trainee, t(f"dash.app.{r.app}"), r.case_id, fmt_num(r.score, 1), fmt_num(r.max_score, 1),
             fmt_num(r.pct, 0), fmt_num(r.minutes, 1), r.submitted] for r in df.iloc[::-1].itertuples(index=False)]
    return f"<p><b>{html.escape(head)}</b></p>" + table_html(
        [t("dash.col.trainee"), t("dash.col.app"), t("dash.col.case"), t("dash.col.score"), t("dash.col.max"),
         t("dash.col.pct"), t("dash.col.minutes"), t("dash.col.time")], rows, escape=True)


def plot_html(df, class_code: str) -> str:
    if df.empty:
        return ""
    png = base64.b64encode(score_histogram_png(df, class_code)).decode("ascii")
    return f'<img alt="{html.escape(t("dash.plot.title", code=class_code))}" src="data:image/png;base64,{png}">'


def mistakes_html(mis) -> str:
    if mis.empty:
        return f"<p>{html.escape(t('dash.mistakes.none'))}</p>"
    return table_html([t("dash.col.rule"), t("dash.col.count"), t("dash.col.trainees")],
                      [[r.text, r.count, r.trainees] for r in mis.itertuples(index=False)], escape=True)


def export_html(df, mis, class_code: str, items=None, live=None) -> str:
    """The Excel download first (the main export: results, mistakes by rule, each trainee's wrong
    items, the live games' debriefs), then the CSV of the results, and of the live games per team
    and per player when the class played any."""
    stamp = time.strftime("%Y%m%d-%H%M")
    out = (f"<p>{html.escape(t('dash.export.note'))}</p>"
           + download_link(export_xlsx(df, mis, items, live=live), f"slrt-{class_code}-{stamp}.xlsx", XLSX_MIME,
                           t("dash.export.xlsx"), cls="slrt-dl slrt-dl-xlsx slrt-dl-main")
           + download_link(export_csv(df), f"slrt-{class_code}-{stamp}.csv", "text/csv",
                           t("dash.export.csv"), cls="slrt-dl slrt-dl-csv"))
    if live is not None and len(live[0]):
        out += (download_link(export_live_csv(live[0], _TEAM_HEADERS), f"slrt-{class_code}-{stamp}-live-tim.csv",
                              "text/csv", t("dash.live.csv_teams"), cls="slrt-dl slrt-dl-csv slrt-dl-live-teams")
                + download_link(export_live_csv(live[1], _PLAYER_HEADERS),
                                f"slrt-{class_code}-{stamp}-live-pemain.csv", "text/csv", t("dash.live.csv_players"),
                                cls="slrt-dl slrt-dl-csv slrt-dl-live-players"))
    return out


def debrief_html(live) -> str:
    """The class's live games, one row per team (the team against the rules alone), then each
    player's accuracy and speed; nothing when the class played no game."""
    teams, players = live
    if not len(teams):
        return ""
    pct = lambda x: fmt_num(x, 1)  # noqa: E731
    head = [t(_TEAM_HEADERS[c]) for c in ("game", "players", "met", "met_rules", "complaints", "complaints_rules",
                                           "exclusion", "exclusion_rules", "missed", "helped")]
    rows = [[r.game, r.players, r.met, r.met_rules, r.complaints, r.complaints_rules, pct(r.exclusion),
             pct(r.exclusion_rules), r.missed, r.helped] for r in teams.itertuples(index=False)]
    prow = [[r.game, r.player, r.desks, r.offered, r.answered, r.late, pct(r.accuracy), fmt_num(r.seconds, 0), r.moved]
            for r in players.itertuples(index=False)]
    return (f"<h4>{html.escape(t('dash.live.title'))}</h4>" + table_html(head, rows, escape=True)
            + table_html([t(_PLAYER_HEADERS[c]) for c in ("game", "player", "desks", "offered", "answered", "late",
                                                           "accuracy", "seconds", "moved")], prow, escape=True))


def sections(store, class_code: str) -> dict[str, str]:
    """Every section of the class view (``live``, ``plot``, ``mistakes``, ``debrief``, ``export``), each built on
    its own: a failure leaves one line in its section only."""
    data: dict[str, Any] = {}

    def get(name: str, fn: Callable[[], Any]) -> Any:
        if name not in data:
            data[name] = fn()
        return data[name]

    df = lambda: get("df", lambda: results(store, class_code))  # noqa: E731
    mis = lambda: get("mis", lambda: mistakes_by_rule(store, class_code))  # noqa: E731
    games = lambda: get("games", lambda: debrief_frames(store, class_code))  # noqa: E731
    return {
        "live": section("live", lambda: live_html(df())),
        "plot": section("plot", lambda: plot_html(df(), class_code)),
        "mistakes": section("mistakes", lambda: mistakes_html(mis())),
        "debrief": section("debrief", lambda: debrief_html(games())),
        "export": section("export", lambda: export_html(df(), _or_none(mis), class_code,
                                                        _or_none(lambda: item_mistakes(store, class_code)),
                                                        _or_none(games))),
    }


def _or_none(fn: Callable[[], Any]) -> Any:
    """The export still offers the results when the mistakes cannot be counted."""
    try:
        return fn()
    except Exception:  # noqa: BLE001
        log.exception("dashboard: mistakes left out of the export")
        return None


# ---------------------------------------------------------------------------- discussion
def bo_cases(klass: dict):
    from slrt_sim.training import back_office as bo

    return bo.build_queue(klass["code"], int(klass["seed"]), klass["level"])


def bo_discussion_html(queue, case_id: str, lang: str | None = None) -> str:
    """The case as the trainee saw it, then the right answer with every rule explained."""
    from slrt_sim.training import back_office as bo

    e = html.escape
    c = queue.case(case_id)
    key = bo.answer_key(queue)["cases"][case_id]
    out = [f"<h4>{e(t('dash.discussion.story', lang=lang))}</h4>", registration_html(c),
           f"<h4>{e(t('dash.discussion.answer', lang=lang))}</h4><ul>"]
    st = key["status"]
    out.append(f"<li><b>{e(t('bo.fb.section.status', lang=lang))}</b>: {e(t(f'bo.status.{st}', lang=lang))}</li>")
    out.append(f"<li><b>{e(t('bo.fb.section.verval', lang=lang))}</b>: "
               f"{e(t('bo.yes', lang=lang) if key['verval'] else t('bo.no', lang=lang))}</li>")
    for p, ok in key["decisions"].items():
        right, v = bo.decision(c, p)
        why = v.explain(lang)
        if v.eligible and not right:
            why.append(t("bo.rule.already_receives", lang=lang, program=t(f"prog.{p}.name", lang=lang)))
        out.append(f"<li><b>{e(t(f'prog.{p}.name', lang=lang))}</b>: "
                   f"{e(t('bo.eligible' if ok else 'bo.not_eligible', lang=lang))} — {e(' '.join(why))}</li>")
    for (cid, need), prog in bo.right_referrals(queue).items():
        if cid == case_id:
            out.append(f"<li>{e(_referral_line(need, prog, lang))}</li>")
    if key["priority"]:
        out.append(f"<li><b>{e(t('bo.fb.section.priority', lang=lang))}</b>: {key['priority']} — "
                   f"{e(t('bo.rule.priority', lang=lang))}</li>")
    if c.duplicate_of:
        out.append(f"<li>{e(t('bo.rule.duplicate', lang=lang, other=c.duplicate_of))}</li>")
    out.append("</ul>")
    return "".join(out)


def _referral_line(need: str, prog: str | None, lang: str | None) -> str:
    nname = t(f"need.{need}", lang=lang)
    if prog:
        return t("bo.fb.referral.to", lang=lang, need=nname, program=t(f"prog.{prog}.name", lang=lang))
    return t("bo.fb.referral.none", lang=lang, need=nname)


def fo_cases(klass: dict):
    """The front-office cases of the class (:func:`slrt_sim.training.front_office.build_cases`)."""
    from slrt_sim.training import front_office as fo

    return fo.build_cases(klass["code"], int(klass["seed"]), klass["level"], app="fo")


def fo_discussion_html(case, lang: str | None = None) -> str:
    """A front-office case: its story and documents, then the answer key the grader uses
    (:func:`slrt_sim.training.front_office.answer_key`, on the verval-corrected profile for a
    false SKTM): the decision, the programmes and, per need, the referral with its rules."""
    from slrt_sim.training import front_office as fo
    from slrt_sim.training.core import document_lines

    e = html.escape
    key = fo.answer_key(case)
    decision = t("rp.decision." + key["decision"], lang=lang)
    progs = ", ".join(t(f"prog.{p}.name", lang=lang) for p in key["programs"])
    out = [f"<h4>{e(t('dash.discussion.story', lang=lang))}</h4>", f"<p>{e(case.story_text(lang))}</p>",
           "<ul>" + "".join(f"<li>{e(d)}</li>" for d in document_lines(case.documents, lang)) + "</ul>",
           f"<h4>{e(t('dash.discussion.answer', lang=lang))}</h4><ul>",
           f"<li><b>{e(t('rp.fo.f.decision', lang=lang))}</b>: {e(decision)}"
           + (f" — {e(progs)}" if progs else "") + "</li>"]
    if case.problem == "false_sktm":
        out.append(f"<li>{e(t('rp.fb.decision.sktm_basis', lang=lang))}</li>")
    for need, ref in key["referrals"].items():
        why = [s for v in ref.verdicts for s in v.explain(lang)]
        if ref.propose_dtks:
            why.append(t("rule.not_in_dtks", lang=lang, program="DTKS"))
        out.append(f"<li><b>{e(_referral_line(need, ref.program, lang))}</b> {e(' '.join(why))}</li>")
    out.append("</ul>")
    return "".join(out)


def format_pct(x: float) -> str:
    return fmt_num(x, 0) if x == x else "–"


# ---------------------------------------------------------------------------- projector view
PRACTICE_SUFFIX = "-LATIHAN"
"""A back-office attempt after the first ("Again") is saved with this suffix on its ``case_id``:
a practice attempt, shown apart and not counted in the class's back-office statistics."""


def is_practice(case_id: str) -> bool:
    return str(case_id).endswith(PRACTICE_SUFFIX)


def progress(df):
    """One row per trainee (for the projector): front-office cases done and mean %, back-office
    graded % (first attempt) and the number of practice attempts after it, home visits done and
    their mean %."""
    import pandas as pd

    cols = ["trainee", "fo_cases", "fo_pct", "bo_pct", "bo_practice", "hv_cases", "hv_pct"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    d = df.assign(key=df["trainee"].str.casefold(), practice=df["case_id"].map(is_practice))
    rows = []
    for _key, g in d.groupby("key", sort=True):
        fo, hv = g[g["app"] == "fo"], g[g["app"] == "hv"]
        bo_graded = g[(g["app"] == "bo") & ~g["practice"]]
        rows.append((g["trainee"].iloc[0], int(fo["case_id"].nunique()), float(fo["pct"].mean()) if len(fo) else float("nan"),
                     float(bo_graded["pct"].iloc[0]) if len(bo_graded) else float("nan"),
                     int(((g["app"] == "bo") & g["practice"]).sum()),
                     int(hv["case_id"].nunique()), float(hv["pct"].mean()) if len(hv) else float("nan")))
    return pd.DataFrame(rows, columns=cols)


def app_summary(df, app: str) -> dict[str, Any]:
    """:func:`summary` of one app's graded submissions (back-office practice attempts left out)."""
    part = df[(df["app"] == app) & ~df["case_id"].map(is_practice)] if not df.empty else df
    return summary(part)
