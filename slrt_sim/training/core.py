"""The one core of both role plays: the class, its households, the simulated DTKS.

Everything the front office (:mod:`slrt_sim.training.front_office`) and the back office
(:mod:`slrt_sim.training.back_office`) share lives here, once:

* the difficulty :data:`LEVELS` and the built-in practice class :data:`PRACTICE_CLASS`
  (:func:`resolve_class` finds a class in the store, else the practice class);
* the training population (:func:`training_population`, one kelurahan of
  :data:`slrt_sim.paths.TRAINING_SCENARIO`) and its calendar (:func:`start_date`);
* the randomness of a class (:func:`class_rng`: one stream per class code, seed, level and
  purpose);
* the member rows of a household (:func:`member_rows`) and the readable document list
  (:func:`document_lines`);
* the simulated DTKS with its one search (:class:`DtksIndex`): by NIK (exact, head or member)
  or by name (each word within one typo).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zlib
from functools import lru_cache
from typing import Any, Mapping


from slrt_sim._lazy import np  # numpy only when a class is built (role-play kernels stay light)
from slrt_sim.domain.programs import received
from slrt_sim.i18n import t
from slrt_sim.paths import TRAINING_SCENARIO
from slrt_sim.training.store import LEVELS, norm_code

__all__ = ["LEVELS", "PRACTICE_CLASS", "TRAINING_SCENARIO", "resolve_class", "training_population",
           "start_date", "class_rng", "person_name", "member_rows", "document_lines", "norm_text",
           "typo_name", "DtksIndex", "dtks_record"]

PRACTICE_CLASS = {"code": "LATIHAN", "seed": 2018, "level": "mudah", "trainer": ""}
"""The built-in class for practice without a trainer: the same level in both apps."""


def resolve_class(code: str, store=None) -> dict | None:
    """The class of ``code``: from the store, else the practice class ``LATIHAN``; ``None`` if unknown."""
    code = norm_code(code or "")
    if not code:
        return None
    if store is not None:
        try:
            found = store.get_class(code)
        except Exception:  # noqa: BLE001 - a broken store must not hide the practice class
            found = None
        if found:
            return dict(found)
    if code == PRACTICE_CLASS["code"]:
        return dict(PRACTICE_CLASS)
    return None


# ------------------------------------------------------------------------------ population
@lru_cache(maxsize=4)
def training_population(seed: int):
    """The one-kelurahan training population for ``seed`` (cached; ~1 s the first time)."""
    from slrt_sim.domain.population import generate_population
    from slrt_sim.domain.scenario import load_scenario

    return generate_population(load_scenario(TRAINING_SCENARIO), int(seed), persons=True)


def start_date(pop) -> dt.date:
    """The first day of the population's scenario calendar ("today" in the role plays)."""
    return pop.scenario.calendar.start_date


def class_rng(class_code: str, seed: int, level: str, *salt: int | str) -> np.random.Generator:
    """The random stream of a class: fixed by (code, seed, level) and a purpose (``salt``)."""
    extra = [zlib.crc32(s.encode("utf-8")) if isinstance(s, str) else int(s) for s in salt]
    key = [int(seed) & 0xFFFFFFFF, zlib.crc32(norm_code(class_code).encode("utf-8")), LEVELS.index(level), *extra]
    return np.random.default_rng(np.random.SeedSequence(key))


def person_name(first: str, last: str) -> str:
    return f"{first} {last}".strip() if last else str(first)


def member_rows(pop, i: int) -> list[dict]:
    """The members of household ``i`` as plain dicts, head first."""
    from slrt_sim.domain.identity import format_ids

    out = []
    for r in pop.members(i).itertuples(index=False):
        out.append({
            "name": person_name(str(r.first_name), str(r.last_name)),
            "nik": str(format_ids([r.nik])[0]),
            "sex": str(r.sex), "age": int(r.age),
            "birth_date": str(np.datetime64(r.birth_date, "D")),
            "relation": str(r.relation), "in_school": bool(r.in_school), "schooling": str(r.schooling),
            "disability": str(r.disability), "chronic": bool(r.chronic_illness), "pregnant": bool(r.pregnant),
            "has_ktp": bool(r.has_ktp), "has_birth_cert": bool(r.has_birth_cert), "occupation": str(r.occupation),
        })
    return out


def document_lines(docs: Mapping[str, Any], lang: str | None = None) -> list[str]:
    """What a resident brought, one readable line per document (KTP, KK, SKTM, cards)."""
    out = []
    if docs.get("ktp"):
        k = docs["ktp"]
        out.append(t("bo.doc.ktp_copy_of" if k.get("copy") else "bo.doc.ktp_of", lang=lang, owner=k["owner"],
                     nik=k["nik"]))
    else:
        out.append(t("bo.doc.no_ktp", lang=lang))
    out.append(t("bo.doc.kk_no", lang=lang, number=docs["kk"]["number"]) if docs.get("kk")
               else t("bo.doc.no_kk", lang=lang))
    if docs.get("sktm"):
        out.append(t("bo.doc.sktm_no", lang=lang, number=docs["sktm"]["number"], issuer=docs["sktm"]["issuer"]))
    for card in docs.get("cards") or ():
        out.append(t("bo.doc.card", lang=lang, card=card))
    return out


# ------------------------------------------------------------------------------ names
def norm_text(s: str) -> str:
    """A name for comparison: ASCII, lower case, punctuation and extra spaces removed."""
    s = unicodedata.normalize("NFKD", str(s)).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", s.lower()).split())


def typo_name(name: str, rng: np.random.Generator) -> str:
    """A realistic misspelling: a doubled, dropped or swapped letter, or a common variant."""
    variants = (("y", "i"), ("oe", "u"), ("dj", "j"), ("u", "oe"), ("i", "y"), ("j", "dj"), ("ch", "kh"))
    low = name.lower()
    opts = [(a, b) for a, b in variants if a in low]
    if opts and rng.random() < 0.5:
        a, b = opts[int(rng.integers(0, len(opts)))]
        pos = low.index(a)
        out = name[:pos] + (b.upper() if name[pos].isupper() else b) + name[pos + len(a):]
        return out[0].upper() + out[1:]
    letters = [i for i, c in enumerate(name) if c.isalpha() and i > 0]
    i = letters[int(rng.integers(0, len(letters)))]
    r = rng.random()
    if r < 0.4:
        return name[:i] + name[i] + name[i:]          # doubled
    if r < 0.7 and len(name) > 4:
        return name[:i] + name[i + 1:]                # dropped
    j = min(i + 1, len(name) - 1)
    return name[:i] + name[j] + name[i] + name[j + 1:] if j > i else name[:i] + "h" + name[i:]


def _edit1(a: str, b: str) -> bool:
    """Edit distance ≤ 1 (with one transposition counted as one)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [k for k in range(la) if a[k] != b[k]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if la > lb:
        a, b = b, a
    k = 0
    while k < len(a) and a[k] == b[k]:
        k += 1
    return a[k:] == b[k + 1:]


# ------------------------------------------------------------------------------ the DTKS
def dtks_record(pop, i: int, prof: Mapping[str, Any], members: list[dict]) -> dict:
    """The DTKS record of household ``i`` as the profile ``prof`` has it."""
    from slrt_sim.domain.identity import format_ids

    nik = str(format_ids([prof["dtks_nik"]])[0]) if int(prof.get("dtks_nik") or 0) else members[0]["nik"]
    return {
        "record_id": f"DTKS-{3375010000 + i:010d}"[:16],
        "head_name": members[0]["name"], "nik": nik, "kk": pop.kk(i) if int(prof.get("kk") or 0) else "",
        "address": pop.address(i), "decile": int(prof["dtks_decile"]), "year": int(prof["dtks_year"]),
        "sktm": bool(prof.get("via_sktm")), "programs": received(prof),
        "members": [{"name": m["name"], "nik": m["nik"], "relation": m["relation"], "age": int(m["age"])}
                    for m in members[1:]],
        "_hh": i,
    }


class DtksIndex:
    """The simulated DTKS of a class: the listed households of the training population, with
    the records of the class's cases as the cases planted them (typos, near-duplicates, a
    deceased member still listed).

    Records are plain dicts: ``record_id``, ``head_name``, ``nik`` (the head's NIK *as recorded*),
    ``kk``, ``address``, ``decile``, ``year``, ``sktm``, ``programs`` and ``members`` (``name``,
    ``nik``, ``relation``, ``age``). :meth:`search` is the one DTKS search of the kit.
    """

    MAX_RESULTS = 15

    def __init__(self, records: list[dict]):
        self.records = records
        self._by_nik: dict[str, list[int]] = {}
        self._tokens: list[list[set[str]]] = []
        for r_i, rec in enumerate(records):
            people = [{"name": rec["head_name"], "nik": rec["nik"]}] + rec["members"]
            for p in people:
                hits = self._by_nik.setdefault(p["nik"], [])
                if r_i not in hits:
                    hits.append(r_i)
            self._tokens.append([set(norm_text(p["name"]).split()) for p in people])

    @classmethod
    def build(cls, pop, overrides: Mapping[int, list[dict]], rng: np.random.Generator) -> "DtksIndex":
        """The population's listed households; ``overrides`` replace a household's records
        (an empty list removes it: a case household that is not listed)."""
        listed = set(np.flatnonzero(pop.households["in_dtks"].to_numpy()).tolist()) | set(overrides)
        records = []
        for i in sorted(listed):
            if i in overrides:
                records.extend(overrides[i])
            else:
                records.append(dtks_record(pop, i, pop.household(i), member_rows(pop, i)))
        order = rng.permutation(len(records))
        return cls([records[k] for k in order])

    def search(self, nik: str = "", name: str = "") -> list[dict]:
        """Records matching the NIK (exact, spaces ignored) and/or the name (typo-tolerant).

        Name hits are ranked: exact words before typo/prefix matches, the head before members.
        """
        hits: list[int] = []
        digits = "".join(str(nik).split())
        if digits:
            hits.extend(self._by_nik.get(digits, []))
        words = [w for w in norm_text(name).split() if len(w) >= 2]
        if words:
            scored = [(-score, r_i) for r_i, people in enumerate(self._tokens)
                      if r_i not in hits and (score := _name_score(words, people))]
            hits.extend(r_i for _, r_i in sorted(scored))
        return [{k: v for k, v in self.records[k].items() if not k.startswith("_")}
                for k in hits[: self.MAX_RESULTS]]


def _name_score(words: list[str], people: list[set[str]]) -> float:
    best = 0.0
    for p_i, toks in enumerate(people):
        score = 0.0
        for w in words:
            if w in toks:
                score += 2
            elif any((len(w) >= 4 and _edit1(w, tk)) or (len(w) >= 3 and tk.startswith(w)) for tk in toks):
                score += 1
            else:
                score = 0.0
                break
        if score:
            score += (0.5 if p_i == 0 else 0) + (0.25 if len(toks) == len(words) else 0)
        best = max(best, score)
    return best
