"""Find paths, modules and functions that a text names but the repository does not have.

Used by ``tests/test_docs_refs.py`` on the README, ``docs/``, the notebooks, the scenario
files and the catalogue, so a guide cannot keep pointing at a file that was moved.

What counts as a reference:

- a path with a folder, e.g. ``slrt_sim/model/flow.py`` or ``scenarios/validation/``, whose
  first part is one of the repository's own top-level entries (``seeds/…``, ``hasil/…`` or
  ``~/…`` are outside the repository and are not checked); a Markdown link's target is
  resolved from the file that holds it;
- a bare file name ending in ``.py``, ``.ipynb`` or ``.yaml`` (``flow.py``): some file of that
  name must exist somewhere in the repository;
- a dotted name starting with ``slrt_sim.`` (``slrt_sim.experiments.kpis.KPI_FIELDS``): the
  module must import and every further name must be an attribute;
- ``tests/x.py::name``: the file must define ``name``.

Placeholders (``<file>``, ``*``, ``{name}``, ``…``) are skipped.
"""
from __future__ import annotations

import importlib
import json
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PATH_RE = re.compile(r"(?<![\w/.~$:-])((?:\.\./|\./)*[A-Za-z_.][\w.-]*/[\w./<>*{}…-]*)")
BARE_RE = re.compile(r"(?<![\w/.-])([A-Za-z_][\w-]*\.(?:py|ipynb|yaml))(?![\w/])")
DOTTED_RE = re.compile(r"(?<![\w./-])(slrt_sim(?:\.[A-Za-z_]\w*)+)")
TESTNODE_RE = re.compile(r"(tests/[\w/]+\.py)::(\w+)")
LINK_RE = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
PLACEHOLDER = re.compile(r"[<>*{}…]|\.\.\.")
# Names that look like paths or modules but are not files of this repository.
NOT_FILES = {"slrt-sim.egg-info"}
# Files a guide tells the reader to make (a copied scenario), named as examples.
EXAMPLES = {"kelurahan_saya.yaml"}
# Folders the kit writes when it runs (named in the docs as outputs, not shipped): a path
# under them is not checked, whether or not a run has made it on this machine.
GENERATED = ("benchmarks/results/", "var/", "dist/", "build/")


@lru_cache(maxsize=1)
def top_level() -> frozenset[str]:
    return frozenset(p.name for p in ROOT.iterdir() if p.name not in {".git", ".venv"} and not p.name.startswith(".venv"))


@lru_cache(maxsize=1)
def all_file_names() -> frozenset[str]:
    names = set()
    for p in ROOT.rglob("*"):
        parts = p.relative_to(ROOT).parts
        if parts and (parts[0] in {".git", "build", "dist"} or parts[0].startswith(".venv")):
            continue
        names.add(p.name)
    return frozenset(names)


def _path_exists(ref: str, base: Path) -> bool:
    ref = ref.rstrip(".,;:")
    for start in (base, ROOT):
        candidate = (start / ref).resolve()
        if candidate.exists():
            return True
    return False


def _check_dotted(name: str) -> str | None:
    """None when ``name`` (module path plus attributes) exists, else what is missing."""
    parts = name.split(".")
    module, i = None, len(parts)
    while i > 0:
        try:
            module = importlib.import_module(".".join(parts[:i]))
            break
        except ModuleNotFoundError:
            i -= 1
    if module is None:
        return "no such module"
    obj = module
    for attr in parts[i:]:
        if not hasattr(obj, attr):
            try:  # a submodule not imported by its package
                obj = importlib.import_module(f"{obj.__name__}.{attr}")
                continue
            except (ModuleNotFoundError, AttributeError):
                return f"{'.'.join(parts[:i])} has no {attr!r}"
        obj = getattr(obj, attr)
    return None


def stale_references(text: str, source: Path) -> list[str]:
    """The references in ``text`` (read from ``source``) that do not exist, one line each."""
    problems: list[str] = []
    base = source.parent
    seen: set[str] = set()

    def report(ref: str, why: str) -> None:
        if ref not in seen:
            seen.add(ref)
            problems.append(f"{source.relative_to(ROOT) if source.is_relative_to(ROOT) else source}: {ref}: {why}")

    for m in LINK_RE.finditer(text):
        target = m.group(1)
        if "://" in target or target.startswith(("mailto:", "#")) or PLACEHOLDER.search(target):
            continue
        if not _path_exists(target, base):
            report(target, "link target does not exist")
    for m in PATH_RE.finditer(text):
        ref = m.group(1).rstrip(".,;:)")
        first = ref.lstrip("./").split("/")[0]
        if PLACEHOLDER.search(ref) or ref.startswith(("http", "www.")):
            continue
        if ref.startswith(".") and not ref.startswith(("./", "../")):
            first = ref.split("/")[0]
        if ref.startswith(("./", "../")):
            if not _path_exists(ref, base):
                report(ref, "path does not exist")
            continue
        if ref.startswith(GENERATED) or ref.rsplit("/", 1)[-1] in EXAMPLES:
            continue
        if first not in top_level() or first in NOT_FILES:
            continue
        if not _path_exists(ref, ROOT):
            report(ref, "path does not exist")
    for m in BARE_RE.finditer(text):
        name = m.group(1)
        if name not in all_file_names() and name not in EXAMPLES:
            report(name, "no file of this name in the repository")
    for m in DOTTED_RE.finditer(text):
        name = m.group(1).rstrip(".")
        why = _check_dotted(name)
        if why:
            report(name, why)
    for m in TESTNODE_RE.finditer(text):
        path, func = m.groups()
        file = ROOT / path
        if file.exists() and not re.search(rf"^\s*def {func}\b", file.read_text(encoding="utf-8"), re.M):
            report(f"{path}::{func}", "no such test")
    return problems


def notebook_text(path: Path) -> str:
    """The source of every cell of a notebook (outputs are not references)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c.get("source", "")) for c in nb.get("cells", []))


def documents() -> list[Path]:
    """Every file whose references are checked."""
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md"]
    files += sorted((ROOT / "docs").rglob("*.md"))
    files += sorted((ROOT / "notebooks").rglob("*.ipynb"))
    files += sorted((ROOT / "scenarios").rglob("*.yaml")) + sorted((ROOT / "scenarios").rglob("*.md"))
    files += sorted((ROOT / "slrt_sim" / "catalogue").glob("*.yaml"))
    return [f for f in files if f.exists() and ".ipynb_checkpoints" not in f.parts]


def read_document(path: Path) -> str:
    return notebook_text(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
