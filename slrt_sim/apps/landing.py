"""The landing page of the kit (``notebooks/index.ipynb``).

All text comes from the catalogue (``landing.*`` keys). An app is linked only
if its notebook exists next to the landing notebook, so the page never points
at an app that is not there. In Voila a notebook ``x.ipynb`` is served at
``/voila/render/x.ipynb``; the links are relative to the landing page
(``/voila/render/index.ipynb``), so they work under any base URL.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from slrt_sim import i18n
from slrt_sim.i18n import t

# (notebook file, catalogue key); the order is the order on the page.
APPS: tuple[tuple[str, str], ...] = (
    ("roleplay_front_office.ipynb", "landing.app.roleplay_front_office"),
    ("roleplay_back_office.ipynb", "landing.app.roleplay_back_office"),
    ("trainer_dashboard.ipynb", "landing.app.trainer_dashboard"),
    ("walkthrough.ipynb", "landing.app.walkthrough"),
    ("planner.ipynb", "landing.app.planner"),
)

LANGUAGE_LABELS = {"id": "Bahasa Indonesia", "en": "English"}


@dataclass(frozen=True)
class App:
    notebook: str
    key: str

    @property
    def href(self) -> str:
        """Link relative to ``/voila/render/index.ipynb``."""
        return self.notebook

    @property
    def voila_path(self) -> str:
        return f"/voila/render/{self.notebook}"


def available_apps(folder: str | Path | None = None) -> list[App]:
    """The apps whose notebook exists in ``folder`` (default: the working directory)."""
    base = Path(folder) if folder is not None else Path.cwd()
    return [App(nb, key) for nb, key in APPS if (base / nb).is_file()]


def render_html(folder: str | Path | None = None, lang: str | None = None) -> str:
    """The landing page as one HTML fragment in ``lang`` (default: current language)."""
    lang = lang or i18n.get_language()

    def tr(key: str) -> str:  # catalogue text may hold simple markup (<b>)
        return t(key, lang=lang)

    apps = available_apps(folder)
    if apps:
        items = "\n".join(
            f'<li><a class="slrt-app" href="{html.escape(app.href)}" data-notebook="{html.escape(app.notebook)}">'
            f"{tr(app.key)}</a> — {tr(app.key + '.desc')}</li>"
            for app in apps
        )
        apps_html = f'<ul class="slrt-apps">\n{items}\n</ul>'
    else:
        apps_html = f"<p>{tr('landing.apps.none')}</p>"
    who = "\n".join(
        f"<li>{tr(k)}</li>" for k in ("landing.who.trainers", "landing.who.facilitators", "landing.who.planners")
    )
    return f"""<div class="slrt-landing" lang="{lang}">
<h1 class="slrt-title">{tr('landing.title')}</h1>
<p><i>{tr('landing.subtitle')}</i></p>
<h2>{tr('landing.what.heading')}</h2>
<p>{tr('landing.what.body')}</p>
<h2>{tr('landing.who.heading')}</h2>
<ul>
{who}
</ul>
<h2>{tr('landing.apps.heading')}</h2>
{apps_html}
<p style="font-size: smaller; opacity: 0.7">{tr('landing.footer')}</p>
</div>"""


def show(folder: str | Path | None = None):
    """Display the landing page with a language toggle (for the notebook).

    Returns the widget so the notebook can also be executed headless (nbval).
    """
    import ipywidgets as widgets

    page = widgets.HTML(value=render_html(folder))
    toggle = widgets.ToggleButtons(
        options=[(label, code) for code, label in LANGUAGE_LABELS.items()],
        value=i18n.get_language(),
        description=t("landing.language"),
    )

    def on_change(change: dict) -> None:
        i18n.set_language(change["new"])
        toggle.description = t("landing.language")
        page.value = render_html(folder)

    toggle.observe(on_change, names="value")
    return widgets.VBox([toggle, page])
