"""What a walk-in resident brings and says: documents, the deceased relative, the story.

The front office's cases (:mod:`slrt_sim.training.front_office`) are told with these; the back
office shows the same story and :func:`slrt_sim.training.core.document_lines` of the same
documents. A story is kept as *parts* (catalogue key + fields) so it can be told again in
another language (:func:`render_story`).
"""
from __future__ import annotations

from typing import Any

from slrt_sim._lazy import np  # numpy only when a class is built (role-play kernels stay light)
from slrt_sim.domain.identity import mistype_nik
from slrt_sim.i18n import category_label as label
from slrt_sim.i18n import t

def deceased_member(members: list[dict], rng: np.random.Generator, year: int) -> dict:
    """A parent of the head who died (still listed in the DTKS), born ``age`` years before ``year``."""
    from faker.providers.person.id_ID import Provider as Names

    head = members[0]
    female = bool(rng.random() < 0.5)
    pool = Names.first_names_female if female else Names.first_names_male
    first = pool[int(rng.integers(0, len(pool)))]
    age = int(rng.integers(68, 90))
    region = head["nik"][:6]
    year = int(year) - age
    day, month = int(rng.integers(1, 29)), int(rng.integers(1, 13))
    nik = f"{region}{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{int(rng.integers(1, 40)):04d}"
    return {"name": first, "nik": nik, "sex": "P" if female else "L", "age": age, "relation": "orang tua",
            "birth_date": f"{year}-{month:02d}-{day:02d}"}


def documents(pop, hh, h, members, problem, planted, applicant, rng, year: int) -> dict:
    """What the resident hands over (with the planted problems)."""
    app = members[applicant]
    address = pop.address(hh)
    docs: dict[str, Any] = {"ktp": None, "kk": None, "sktm": None, "cards": []}
    if app["has_ktp"]:
        nik = app["nik"]
        if "nik_typo_copy" in planted:
            nik = mistype_nik(nik, rng, kind="swap" if rng.random() < 0.6 else "change")
        docs["ktp"] = {"owner": app["name"], "nik": nik, "birth_date": app["birth_date"], "sex": app["sex"],
                       "address": address, "copy": "nik_typo_copy" in planted or bool(rng.random() < 0.5)}
    if h["has_kk"]:
        docs["kk"] = {"number": pop.kk(hh) if int(h.get("kk") or 0) else "", "head": members[0]["name"],
                      "address": address,
                      "members": [{k: m[k] for k in ("name", "nik", "sex", "birth_date", "relation")}
                                  for m in members]}
        if not docs["kk"]["number"]:  # a planted KK problem removed the number: no KK after all
            docs["kk"] = None
    if problem == "false_sktm" or "sktm_genuine" in planted:
        docs["sktm"] = {"number": f"474/{int(rng.integers(10, 400))}/SKTM/{int(year) - 1}",
                        "issuer": f"Kelurahan {pop.villages.iloc[int(h['village_idx'])]['name']}",
                        "holder": members[0]["name"]}
    if h["receives_pkh"]:
        docs["cards"].append("KKS")
    return docs


def _choice(rng: np.random.Generator, n: int) -> int:
    return int(rng.integers(1, n + 1))


_STORY_VARIANTS = {"open": 5, "intro": 4, "family": 4, "close": 5, "docs": 3,
                   "need.health": 3, "need.food": 3, "need.school": 3, "need.school_oos": 2,
                   "need.housing": 3, "need.income": 3, "need.care": 3, "need.documents_kk": 3,
                   "need.documents_ktp": 2, "need.documents_akta": 2, "need.information": 3,
                   "need.information_general": 2,
                   "sktm": 3, "wealth": 3, "pregnant": 3, "disability": 2, "elderly": 3, "deceased": 3,
                   "spouse": 2}


def _part(rng, key: str, **fields) -> tuple[str, dict]:
    return (f"rp.story.{key}.{_choice(rng, _STORY_VARIANTS[key])}", fields)


def _title(m: dict) -> str:
    return "Bu" if m["sex"] == "P" else "Pak"


def story(pop, hh, h, members, problem, needs, planted, applicant, deceased, documents, level, rng):
    app = members[applicant]
    head = members[0]
    parts: list[tuple[str, dict]] = []
    occ = {"occupation": ("@pop.occupation", str(app["occupation"])), "job": ("@pop.job", str(app["occupation"]))}
    parts.append(_part(rng, "open", name=app["name"], title=_title(app)))
    parts.append(_part(rng, "intro", name=app["name"], age=app["age"], street=str(h["street"]),
                       rt=f"{int(h['rt']):02d}", rw=f"{int(h['rw']):02d}", **occ))
    if applicant != 0:
        parts.append(_part(rng, "spouse", name=app["name"], head=head["name"]))
    n = len(members)
    kids = [m for m in members if m["relation"] == "anak"]
    if documents["kk"] is None:  # no KK to read the members from: they are told one by one
        others = ", ".join(m["name"] for m in members if m is not app)
        parts.append(("rp.story.family_list", {"n": n, "names": others or "—"}))
    else:
        variant = _choice(rng, _STORY_VARIANTS["family"])
        if variant == 2 and not kids:  # "…, 0 of them children" reads badly
            variant = 1
        parts.append((f"rp.story.family.{variant}", {"n": n, "n_kids": len(kids)}))
    by_date = "elderly_by_date" in planted
    for m in members:
        if m["pregnant"]:
            parts.append(_part(rng, "pregnant", name=m["name"], months=int(rng.integers(3, 9))))
        if m["disability"] != "none":
            parts.append(_part(rng, "disability", name=m["name"],
                               kind=("@rp.story.dis", "severe" if m["disability"] == "severe" else "mild")))
        elif m["age"] >= 60 and not by_date and m is not app:
            parts.append(_part(rng, "elderly", name=m["name"], age=m["age"]))
    for need in needs:
        parts.extend(_need_parts(need, h, members, problem, rng, speaker=app))
    if deceased is not None:
        parts.append(_part(rng, "deceased", name=deceased["name"]))
    if problem == "false_sktm":
        parts.append(_part(rng, "wealth", job=("@pop.job", str(head["occupation"])),
                           floor=("@pop.floor", str(h["floor"])), wall=("@pop.wall", str(h["wall"])),
                           roof=("@pop.roof", str(h["roof"]))))
    if documents["sktm"] is not None:
        parts.append(_part(rng, "sktm"))
    parts.append(_part(rng, "docs", docs=("@docs", _doc_names(documents))))
    parts.append(_part(rng, "close", title=_title(app)))
    return parts


def _doc_names(documents: dict) -> list[str]:
    names = []
    if documents["ktp"] is not None:
        names.append("ktp_copy" if documents["ktp"]["copy"] else "ktp")
    if documents["kk"] is not None:
        names.append("kk")
    if documents["sktm"] is not None:
        names.append("sktm")
    if documents["cards"]:
        names.append("kks")
    return names


def _need_parts(need, h, members, problem, rng, speaker=None) -> list[tuple[str, dict]]:
    if need == "documents":
        out = []
        if not h["has_kk"]:
            out.append(_part(rng, "need.documents_kk"))
        for m in members:
            if m["age"] >= 17 and not m["has_ktp"]:
                out.append(_part(rng, "need.documents_ktp", name=m["name"]))
            if m["age"] < 18 and not m["has_birth_cert"]:
                out.append(_part(rng, "need.documents_akta", name=m["name"]))
        return out or [_part(rng, "need.documents_kk")]
    if need == "school":
        pupils = [m for m in members if m["in_school"] and 6 <= m["age"] <= 21]
        if pupils:
            p = pupils[0]
            return [_part(rng, "need.school", name=p["name"], level=p["schooling"])]
        oos = [m for m in members if 7 <= m["age"] <= 18 and not m["in_school"]] or members[-1:]
        return [_part(rng, "need.school_oos", name=oos[0]["name"], age=oos[0]["age"])]
    if need == "health":
        sick = [m for m in members if m["chronic"] or m["pregnant"] or m["disability"] == "severe"] or members[:1]
        return [_part(rng, "need.health", name=sick[0]["name"])]
    if need == "housing":
        return [_part(rng, "need.housing", floor=("@pop.floor", str(h["floor"])), wall=("@pop.wall", str(h["wall"])),
                      roof=("@pop.roof", str(h["roof"])))]
    if need == "care":
        cared = [m for m in members if m["disability"] != "none" or m["age"] >= 70] or members[-1:]
        key, fields = _part(rng, "need.care", name=cared[0]["name"], age=cared[0]["age"])
        if speaker is not None and cared[0]["name"] == speaker["name"]:
            key = "rp.story.need.care.1"  # the resident speaking is the one who needs care
        return [(key, fields)]
    if need == "information" and problem != "served":
        return [_part(rng, "need.information_general")]
    return [_part(rng, f"need.{need}")]


def _render_value(v: Any, lang: str | None) -> str:
    if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) and v[0].startswith("@"):
        ns, val = v
        if ns == "@docs":
            return _join([t(f"rp.doc.{d}", lang=lang) for d in val], lang)
        if ns.startswith("@pop."):
            text = label(ns[5:], val, lang)
            return text if text[:2].isupper() else text[:1].lower() + text[1:]
        return t(f"{ns[1:]}.{val}", lang=lang)
    return str(v)


def _join(items: list[str], lang: str | None) -> str:
    if not items:
        return t("rp.doc.nothing", lang=lang)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + t("rp.and", lang=lang) + items[-1]


def render_story(parts: list[tuple[str, dict]], lang: str | None = None) -> str:
    return " ".join(t(key, lang=lang, **{k: _render_value(v, lang) for k, v in fields.items()})
                    for key, fields in parts)


# ------------------------------------------------------------------------------ registrations (printed cards)
def registration_documents(truth: dict, members: list[dict], sktm: bool, year: int) -> list[str]:
    """The documents of a registration drawn for the printed cards, one readable line each."""
    docs = [t("bo.doc.kk") if truth["has_kk"] else t("bo.doc.no_kk")]
    docs.append(t("bo.doc.ktp") if all(m["has_ktp"] for m in members if m["age"] >= 17) else t("bo.doc.no_ktp"))
    if not all(m["has_birth_cert"] for m in members if m["age"] < 18):
        docs.append(t("bo.doc.no_birth_cert"))
    if sktm:
        docs.append(t("bo.doc.sktm", year=year - 1))
    if truth["has_chronic"]:
        docs.append(t("bo.doc.sick_letter"))
    return docs


def registration_story(members: list[dict], needs, sktm: bool) -> str:
    """The short story of a registration drawn for the printed cards."""
    head = members[0]
    parts = [t("bo.story.intro", name=head["name"], age=head["age"], size=len(members),
               occupation=label("occupation", head["occupation"]).lower())]
    parts += [t(f"bo.story.need.{need}") for need in needs]
    if sktm:
        parts.append(t("bo.story.sktm"))
    return " ".join(parts)
