"""The server's own HTML pages, served without any kernel.

* :func:`landing_page` — the kit's landing page (``/voila/render/index.ipynb``; ``/`` sends
  visitors there). The same text as :mod:`slrt_sim.apps.landing` renders in the notebook, both
  languages in one page with a toggle in plain JavaScript, so a hall of trainees opening the
  kit's address starts no kernel at all.
* :func:`busy_page` — shown with HTTP 503 when the kernel cap (or the per-device cap) is reached:
  "Server sedang penuh, coba lagi dalam … detik", retrying by itself.

All text comes from the catalogue (``landing.*``, ``serve.busy.*``); Indonesian first. The pages
are self-contained (inline CSS, no external link): the kit runs with no internet.
"""
from __future__ import annotations

import html
from pathlib import Path

from slrt_sim.apps import landing
from slrt_sim.i18n import t

LANGS = ("id", "en")

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328;
       background: #f6f8fa; }
main { max-width: 860px; margin: 0 auto; padding: 16px 20px 40px; background: #fff; min-height: 100vh;
       box-sizing: border-box; line-height: 1.5; }
.slrt-lang { margin: 8px 0 16px; }
.slrt-lang button { border: 1px solid #d0d7de; background: #fff; padding: 6px 12px; cursor: pointer;
                    font-size: 14px; }
.slrt-lang button[aria-pressed="true"] { background: #0969da; color: #fff; border-color: #0969da; }
.slrt-apps li { margin: 6px 0; } .slrt-apps a { font-weight: 600; }
.slrt-busy { text-align: center; padding-top: 12vh; }
.slrt-busy a.button { display: inline-block; margin: 12px 6px; padding: 8px 16px; border-radius: 6px;
                      background: #0969da; color: #fff; text-decoration: none; }
.slrt-busy a.plain { background: #fff; color: #0969da; border: 1px solid #0969da; }
"""

_TOGGLE_JS = """
<script>
(function () {
  var body = document.getElementById('slrt-landing-body');
  function show(lang) {
    var tpl = document.querySelector('template[data-lang="' + lang + '"]');
    if (tpl) { body.innerHTML = tpl.innerHTML; }
    document.querySelectorAll('.slrt-lang button').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.value === lang)); });
    document.documentElement.lang = lang;
    try { localStorage.setItem('slrt-lang', lang); } catch (e) {}
  }
  document.querySelectorAll('.slrt-lang button').forEach(function (b) {
    b.addEventListener('click', function () { show(b.value); }); });
  var saved = null; try { saved = localStorage.getItem('slrt-lang'); } catch (e) {}
  show(saved === 'en' ? 'en' : 'id');
})();
</script>
"""


def _document(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n{head}<style>{_CSS}</style>\n</head>\n"
            f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def landing_page(notebooks: str | Path) -> str:
    """The landing page in both languages (Indonesian shown first), with a language toggle."""
    buttons = "".join(f'<button type="button" value="{code}">{html.escape(label)}</button>'
                      for code, label in landing.LANGUAGE_LABELS.items())
    toggle = (f'<div class="slrt-lang" role="group" aria-label="{html.escape(t("landing.language", lang="id"))} / '
              f'{html.escape(t("landing.language", lang="en"))}">{buttons}</div>')
    # Each language in a <template> (inert until shown); Indonesian is on the page without JavaScript.
    templates = "\n".join(f'<template data-lang="{lang}">\n{landing.render_html(notebooks, lang=lang)}\n</template>'
                          for lang in LANGS)
    shown = landing.render_html(notebooks, lang="id")
    # id="rendered_cells" as on Voila's pages, so tools waiting for a rendered page find it here too
    body = (f'<div id="rendered_cells">{toggle}\n<div id="slrt-landing-body">\n{shown}\n</div></div>\n'
            f"{templates}{_TOGGLE_JS}")
    return _document(t("landing.title", lang="id"), body)


def busy_page(seconds: int, home_url: str, per_client: int | None = None, heavy: bool = False) -> str:
    """The "server full" page: retries by itself after ``seconds`` (a ``<meta refresh>``).

    ``per_client`` set: the device itself has that many pages open (the per-device cap);
    ``heavy``: too many heavy trainer tools (walkthrough, planner, dashboard) are open.
    """
    blocks = []
    for lang in LANGS:
        if heavy:
            text = t("hall.busy.heavy", lang=lang, seconds=seconds)
        elif per_client is None:
            text = t("serve.busy.body", lang=lang, seconds=seconds)
        else:
            text = t("serve.busy.client", lang=lang, seconds=seconds, n=per_client)
        style = "" if lang == "id" else ' style="opacity:.75"'
        blocks.append(
            f'<div lang="{lang}"{style}>'
            f"<h1>{html.escape(t('serve.busy.title', lang=lang))}</h1>"
            f'<p class="slrt-busy-text">{html.escape(text)}</p></div>')
    links = (f'<a class="button" href="">{html.escape(t("serve.busy.retry", lang="id"))} / '
             f'{html.escape(t("serve.busy.retry", lang="en"))}</a>'
             f'<a class="button plain" href="{html.escape(home_url)}">{html.escape(t("serve.busy.home", lang="id"))} / '
             f'{html.escape(t("serve.busy.home", lang="en"))}</a>')
    head = f'<meta http-equiv="refresh" content="{int(seconds)}">\n'
    body = f'<div class="slrt-busy">{"".join(blocks)}<p>{links}</p></div>'
    return _document(t("serve.busy.title", lang="id"), body, head)


_LIVE_JS = """
(function () {
  // A page whose kernel is gone (culled, restarted above its memory budget, server restarted)
  // says so in Indonesian and reloads itself, instead of leaving dead widgets or raw Python text.
  var MESSAGE = %(message)s;
  var config = null;
  try { config = JSON.parse(document.getElementById('jupyter-config-data').textContent); } catch (e) {}
  if (!config || !config.kernelId) { return; }
  var url = (config.baseUrl || '/') + 'api/kernels/' + config.kernelId;
  var shown = false, leaving = false;
  // A page being left (a reload, a link) shuts its own kernel down with its beacon: it must not
  // then reload itself over the navigation under way.
  window.addEventListener('beforeunload', function () { leaving = true; });
  function gone() {
    if (shown || leaving) { return; }
    shown = true;
    var box = document.createElement('div');
    box.className = 'slrt-gone';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'position:fixed;inset:0;z-index:10000;background:rgba(255,255,255,.96);display:flex;' +
      'align-items:center;justify-content:center;padding:24px;font:18px/1.5 system-ui,sans-serif;text-align:center';
    box.textContent = MESSAGE;
    document.body.appendChild(box);
    var tries = 0;
    try { tries = Number(sessionStorage.getItem('slrt-gone-reloads') || 0); } catch (e) {}
    try { sessionStorage.setItem('slrt-gone-reloads', String(tries + 1)); } catch (e) {}
    setTimeout(function () { location.reload(); }, Math.min(60000, 3000 * Math.pow(2, Math.min(tries, 4))));
  }
  function check() {
    fetch(url, {credentials: 'same-origin', cache: 'no-store'}).then(function (r) {
      if (r.status === 404) { gone(); } else if (r.ok) {
        try { sessionStorage.removeItem('slrt-gone-reloads'); } catch (e) {}
      }
    }).catch(function () {});
  }
  setTimeout(check, 4000);
  setInterval(check, 20000);
})();
"""


def live_script() -> str:
    """The page script (``/slrt/live.js``, linked by the Voila template): when the page's kernel is
    gone, one Indonesian line (catalogue ``hall.gone``) over the page and a reload, waiting longer
    between repeated reloads."""
    import json

    message = f'{t("hall.gone", lang="id")} / {t("hall.gone", lang="en")}'
    return _LIVE_JS % {"message": json.dumps(message, ensure_ascii=False)}
