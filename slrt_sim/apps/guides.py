"""The guides in ``docs/`` as self-contained HTML pages, served offline by the class server.

``slrt-sim serve`` answers ``/panduan/<name>.html`` (e.g. ``/panduan/panduan-pelatih.html``,
``/panduan/en/trainer-guide.html``) with :func:`render`: the Markdown file rendered with
mistune, inline CSS for the screen (a phone too) and for print on A4, no external link or
script. Links between guides point at their HTML pages; a link to a file outside ``docs/``
(the repository is not served) keeps its text without the link. The landing page lists
:data:`GUIDES`.
"""
from __future__ import annotations

import html
import posixpath
import re
from functools import lru_cache

import mistune

from slrt_sim import paths
from slrt_sim.i18n import t

DOCS = paths.ROOT / "docs"

# (page name without .md, catalogue key); the order is the order on the landing page.
GUIDES: tuple[tuple[str, str], ...] = (
    ("panduan-pelatih", "landing.guide.trainer"),
    ("lembar-fasilitator", "landing.guide.fasilitator"),
    ("panduan-perencana", "landing.guide.planner"),
    ("install", "landing.guide.install"),
    ("model", "landing.guide.model"),
)
ENGLISH = {"panduan-pelatih": "en/trainer-guide", "lembar-fasilitator": "en/fasilitator-sheet",
           "panduan-perencana": "en/planner-guide", "install": "en/install"}
"""The English page of each Indonesian guide: the landing page links it in English."""
ONE_PAGE = frozenset({"lembar-fasilitator", "en/fasilitator-sheet"})
"""Guides printed on one A4 sheet (smaller type, two columns in print)."""
NAME_RE = re.compile(r"^(?:en/)?[a-z0-9][a-z0-9-]*$")

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0;
       color: #1f2328; background: #f6f8fa; }
main { max-width: 860px; margin: 0 auto; padding: 12px 18px 40px; background: #fff; min-height: 100vh;
       box-sizing: border-box; line-height: 1.5; font-size: 16px; overflow-wrap: break-word; }
nav.slrt-guide-nav { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 8px; }
nav.slrt-guide-nav a, nav.slrt-guide-nav button { display: inline-block; min-height: 40px; line-height: 40px;
       padding: 0 14px; border-radius: 8px; border: 1px solid #0969da; background: #fff; color: #0969da;
       font-size: 15px; text-decoration: none; cursor: pointer; }
h1 { font-size: 26px; line-height: 1.25; margin: 8px 0 12px; } h2 { font-size: 21px; margin: 22px 0 8px; }
h3 { font-size: 18px; margin: 16px 0 6px; }
table { border-collapse: collapse; display: block; overflow-x: auto; max-width: 100%; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
code { background: #f3f4f6; padding: 1px 4px; border-radius: 4px; font-size: 0.92em; }
pre { background: #f3f4f6; padding: 8px 10px; border-radius: 6px; overflow-x: auto; }
pre code { background: none; padding: 0; }
blockquote { margin: 8px 0; padding: 4px 12px; border-left: 4px solid #0969da; background: #f2f7fd; }
@page { size: A4; margin: 14mm 14mm 16mm; }
@media print {
  body { background: #fff; } nav.slrt-guide-nav { display: none; }
  main { max-width: none; padding: 0; min-height: 0; font-size: 10.5pt; line-height: 1.35; }
  h1 { font-size: 17pt; } h2 { font-size: 13pt; break-after: avoid; } h3 { font-size: 11.5pt; break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  table, pre, blockquote, li { break-inside: avoid; }
  table { display: table; overflow: visible; }
  pre { white-space: pre-wrap; }
  main.slrt-one-page { font-size: 8.6pt; line-height: 1.28; columns: 2; column-gap: 7mm; }
  main.slrt-one-page h1 { column-span: all; font-size: 14pt; margin: 0 0 4px; }
  main.slrt-one-page h2 { font-size: 10.5pt; margin: 7px 0 3px; }
  main.slrt-one-page p, main.slrt-one-page ul, main.slrt-one-page ol { margin: 3px 0; }
  main.slrt-one-page ul, main.slrt-one-page ol { padding-left: 14px; }
  main.slrt-one-page th, main.slrt-one-page td { padding: 1px 4px; }
  main.slrt-one-page .slrt-lang-note { display: none; }
}
"""


def available() -> list[str]:
    """Names of every guide in ``docs/`` (``panduan-pelatih``, ``en/trainer-guide`` …)."""
    if not DOCS.is_dir():
        return []
    return sorted(str(p.relative_to(DOCS).with_suffix("")).replace("\\", "/")
                  for p in DOCS.rglob("*.md") if NAME_RE.match(str(p.relative_to(DOCS).with_suffix(""))))


def landing_links(lang: str) -> list[tuple[str, str]]:
    """(href relative to the landing page, label) of the guides shown on the landing page."""
    names = set(available())
    links = []
    for name, key in GUIDES:
        if name in names:
            page = ENGLISH.get(name, name) if lang == "en" and ENGLISH.get(name) in names else name
            links.append((f"../../panduan/{page}.html", t(key, lang=lang)))
    return links


class _Renderer(mistune.HTMLRenderer):
    """Links to other guides go to their HTML page; links out of ``docs/`` keep only the text."""

    def __init__(self, name: str):
        super().__init__(escape=False)
        self.folder = posixpath.dirname(name)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        if "://" in url or url.startswith(("#", "mailto:")):
            return super().link(text, url, title)
        path, _, anchor = url.partition("#")
        target = posixpath.normpath(posixpath.join(self.folder, path))
        if target.endswith(".md") and NAME_RE.match(target[:-3]) and (DOCS / target).is_file():
            href = posixpath.relpath(target[:-3] + ".html", self.folder or ".")
            return super().link(text, href + (f"#{anchor}" if anchor else ""), title)
        return f"<span>{text}</span>"


@lru_cache(maxsize=32)
def _render(name: str, mtime: float) -> str:
    source = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    markdown = mistune.create_markdown(renderer=_Renderer(name), plugins=["table", "strikethrough"])
    body = markdown(source)
    title = next((line[2:].strip() for line in source.splitlines() if line.startswith("# ")), name)
    lang = "en" if name.startswith("en/") or name in ("model", "developer") else "id"
    home = "../" * (name.count("/") + 1) + "voila/render/index.ipynb"
    nav = (f'<nav class="slrt-guide-nav"><a href="{home}">← {html.escape(t("guide.home", lang=lang))}</a>'
           f'<button type="button" onclick="window.print()">{html.escape(t("guide.print", lang=lang))}</button></nav>')
    cls = ' class="slrt-one-page"' if name in ONE_PAGE else ""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"<main{cls}>\n{nav}\n{body}</main>\n</body>\n</html>\n")


def render(name: str) -> str | None:
    """The guide ``docs/<name>.md`` as one HTML page, or None if there is no such guide."""
    if not NAME_RE.match(name):
        return None
    path = DOCS / f"{name}.md"
    if not path.is_file():
        return None
    return _render(name, path.stat().st_mtime)
