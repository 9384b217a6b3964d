"""Printable case cards for a classroom role play: ``slrt-sim cards FILE --n 30 --seed S --out DIR``.

Writes two HTML files into ``DIR``:

* ``cards.html`` — one A6 card per page (``@page { size: 105mm 148mm }``: Chromium ignores ``A6``): the resident's story, the
  documents they bring and their family, for the trainee who plays the resident. Nothing of
  the answer is on a card.
* ``jawaban.html`` — the trainer's answer sheet: per card the planted problem, the DTKS
  verification, whether a verval is needed, each programme's eligibility with the rules
  (:meth:`slrt_sim.domain.programs.Verdict.explain`) and the referral per need.

The cases are the back office's (:func:`slrt_sim.training.back_office.queue_from`) drawn from the
population of the scenario ``FILE`` with ``--seed``: the same file, seed and level give the
same cards. PDF is not produced: the kit has no PDF library that installs without system
packages, so print ``cards.html`` from a browser (Print → Save as PDF; the page size is set).
"""
from __future__ import annotations

import html

from slrt_sim.training import back_office as bo
from slrt_sim.i18n import t

MAX_CARDS = 500
CARDS_FILE = "cards.html"
ANSWERS_FILE = "jawaban.html"
CARDS_CLASS = "KARTU"

CARD_CSS = """
@page { size: 105mm 148mm; margin: 6mm; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9pt; margin: 0; background: #eee; }
.card { box-sizing: border-box; width: 105mm; min-height: 148mm; margin: 6mm auto; padding: 5mm; background: #fff;
        border: 1px solid #999; page-break-after: always; break-after: page; }
.card h2 { font-size: 11pt; margin: 0 0 2mm 0; } .card h3 { font-size: 9.5pt; margin: 2mm 0 1mm 0; }
.card .role { font-style: italic; font-size: 8pt; color: #333; }
.card table { border-collapse: collapse; width: 100%; font-size: 8pt; }
.card td, .card th { border: 1px solid #bbb; padding: 0.5mm 1mm; text-align: left; }
.card ul { margin: 0; padding-left: 4mm; }
.card .id { float: right; font-size: 8pt; color: #555; }
.card:last-of-type { page-break-after: auto; break-after: auto; }
@media print { body { background: #fff; } .card { margin: 0; border: none; width: auto; min-height: 0; padding: 0;
                                                  break-inside: avoid; } }
"""

ANSWER_CSS = """
@page { size: A4; margin: 12mm; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9.5pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 4mm; }
td, th { border: 1px solid #aaa; padding: 1mm 2mm; text-align: left; vertical-align: top; }
.answer { break-inside: avoid; page-break-inside: avoid; }
"""


def _page(title: str, css: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{css}</style></head><body>\n{body}\n</body></html>\n")


def card_html(case: bo.BoCase, k: int, n: int) -> str:
    """One card: story, documents, family — what the resident knows, nothing of the answer."""
    from slrt_sim.domain.population import label

    e = html.escape
    r = case.registration
    ktp = t("cards.ktp_copy" if case.problem == "nik_typo" else "cards.ktp", nik=r["nik"])
    docs = [ktp] + ([t("bo.doc.kk_no", number=r["kk"])] if r["kk"] else [])
    docs += [d for d in r["documents"] if d != t("bo.doc.kk")]
    fam = "".join(f"<tr><td>{e(m['name'])}</td><td>{e(label('relation', m['relation']))}</td>"
                  f"<td>{m['age']}</td><td>{e(m['sex'])}</td><td><code>{e(m['nik'])}</code></td></tr>"
                  for m in case.members)
    return f"""<section class="card" data-card="{k}">
<span class="id">{e(t('cards.card', k=k, n=n))}</span>
<h2>{e(r['name'])}</h2>
<p class="role">{e(t('cards.role'))}</p>
<p>{e(r['address'])}</p>
<h3>{e(t('cards.story'))}</h3><p>{e(r['story'])}</p>
<h3>{e(t('cards.documents'))}</h3><ul>{''.join(f'<li>{e(d)}</li>' for d in docs)}</ul>
<h3>{e(t('cards.family'))}</h3>
<table><tr><th>{e(t('bo.col.name'))}</th><th>{e(t('bo.col.relation'))}</th><th>{e(t('bo.col.age'))}</th>
<th>{e(t('bo.col.sex'))}</th><th>{e(t('cards.nik_on_kk'))}</th></tr>{fam}</table>
</section>"""


def answer_html(queue: bo.Queue, case: bo.BoCase, k: int) -> str:
    """The answer of one card: problem, status, verval, eligibility with rules, referrals."""
    e = html.escape
    key = bo.answer_key(queue)["cases"][case.case_id]
    refs = bo.right_referrals(queue)
    rows = [
        (t("cards.answers.problem"), t(f"cards.problem.{case.problem}")),
        (t("cards.answers.status"), t(f"bo.status.{key['status']}")),
        (t("cards.answers.verval"), t("bo.yes") if key["verval"] else t("bo.no")),
    ]
    progs = []
    for p, ok in key["decisions"].items():
        right, v = bo.decision(case, p)
        why = v.explain()
        if v.eligible and not right:
            why.append(t("bo.rule.already_receives", program=t(f"prog.{p}.name")))
        progs.append(f"<li><b>{e(t(f'prog.{p}.name'))}: {e(t('bo.eligible' if ok else 'bo.not_eligible'))}</b>"
                     f" — {e(' '.join(why))}</li>")
    decisions = []
    for (cid, need), prog in refs.items():
        if cid != case.case_id:
            continue
        line = (t("bo.fb.referral.to", need=t(f"need.{need}"), program=t(f"prog.{prog}.name")) if prog
                else t("bo.fb.referral.none", need=t(f"need.{need}")))
        for code in bo.passed_for_quota(case, need, prog):  # why not the first programme of the need
            line += " " + t("bo.rule.quota", program=t(f"prog.{code}.name"))
        decisions.append(line)
    body = "".join(f"<tr><th>{e(a)}</th><td>{e(b)}</td></tr>" for a, b in rows)
    body += f"<tr><th>{e(t('cards.answers.programs'))}</th><td><ul>{''.join(progs)}</ul></td></tr>"
    body += (f"<tr><th>{e(t('cards.answers.referrals'))}</th><td>"
             f"{'<br>'.join(e(d) for d in decisions) or '-'}</td></tr>")
    return (f'<div class="answer" data-card="{k}"><h3>{e(t("cards.card", k=k, n=len(queue.cases)))} · '
            f"{e(case.head_name)}</h3><table>{body}</table></div>")


def make_cards(scenario, n: int = 30, seed: int | None = None, level: str = "sedang") -> tuple[str, str, bo.Queue]:
    """``(cards.html, jawaban.html, queue)`` for ``n`` cards of ``scenario`` (deterministic in seed)."""
    from slrt_sim.domain.population import generate_population

    seed = scenario.seed if seed is None else int(seed)
    pop = generate_population(scenario, seed)
    queue = bo.queue_from(pop, CARDS_CLASS, seed, level, n=n, duplicates=False)
    cards = "\n".join(card_html(c, k + 1, n) for k, c in enumerate(queue.cases))
    answers = (f"<h1>{html.escape(t('cards.answers.title'))}</h1><p>"
               + html.escape(t("cards.answers.meta", scenario=scenario.name, seed=seed, level=level, n=n))
               + "</p><p>" + html.escape(t("bo.rule.priority")) + "</p>\n"
               + "\n".join(answer_html(queue, c, k + 1) for k, c in enumerate(queue.cases)))
    return (_page(t("cards.title"), CARD_CSS, cards), _page(t("cards.answers.title"), ANSWER_CSS, answers), queue)
