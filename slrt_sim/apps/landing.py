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

import slrt_sim
from slrt_sim import i18n
from slrt_sim.apps import guides
from slrt_sim.i18n import t

# (notebook file, catalogue key); the order is the order on the page.
APPS: tuple[tuple[str, str], ...] = (
    ("roleplay_front_office.ipynb", "landing.app.roleplay_front_office"),
    ("roleplay_back_office.ipynb", "landing.app.roleplay_back_office"),
    ("roleplay_home_visit.ipynb", "landing.app.roleplay_home_visit"),
    ("live_desk.ipynb", "landing.app.live_desk"),
    ("trainer_dashboard.ipynb", "landing.app.trainer_dashboard"),
    ("live_projector.ipynb", "landing.app.live_projector"),
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


TRAINEE_APPS = frozenset({"roleplay_front_office.ipynb", "roleplay_back_office.ipynb", "roleplay_home_visit.ipynb",
                          "live_desk.ipynb"})
"""The apps a trainee opens ("Peserta mulai di sini"); the others are the trainer's."""

CSS = """<style>
.slrt-landing { max-width: 760px; margin: 0 auto; font-size: 16px; line-height: 1.45; }
.slrt-landing h1 { font-size: 26px; margin: 4px 0; }
.slrt-landing .slrt-sub { margin: 0 0 10px 0; color: #444; }
.slrt-landing h2 { font-size: 20px; margin: 14px 0 6px 0; }
.slrt-landing .slrt-apps { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 10px;
                           list-style: none; padding: 0; margin: 0; }
.slrt-landing a.slrt-app { display: block; min-height: 48px; padding: 10px 16px; border-radius: 10px;
                           text-decoration: none; color: #fff; background: #1a7f37; box-shadow: 0 1px 3px #0003; }
.slrt-landing a.slrt-app:hover, .slrt-landing a.slrt-app:focus { filter: brightness(1.1); outline: 3px solid #0969da55; }
.slrt-landing a.slrt-app .slrt-app-name { display: block; font-size: 20px; font-weight: 700; }
.slrt-landing a.slrt-app .slrt-app-desc { display: block; font-size: 14px; opacity: 0.95; }
.slrt-landing .slrt-trainer a.slrt-app { background: #0b5cad; }
.slrt-landing .slrt-start { border: 2px solid #1a7f37; border-radius: 12px; padding: 8px 12px 12px 12px;
                            background: #f3fbf5; }
.slrt-landing .slrt-trainer { border: 2px solid #0b5cad; border-radius: 12px; padding: 8px 12px 12px 12px;
                              margin-top: 12px; background: #f2f7fd; }
.slrt-landing .slrt-start h2, .slrt-landing .slrt-trainer h2 { margin-top: 2px; }
/* a phone: the four trainee buttons compact enough to share the first screen (360 x 780 too) */
@media (max-width: 420px) { .slrt-landing a.slrt-app { padding: 5px 10px; }
  .slrt-landing .slrt-apps { gap: 6px; }
  .slrt-landing a.slrt-app .slrt-app-name { font-size: 18px; line-height: 1.3; }
  .slrt-landing a.slrt-app .slrt-app-desc { font-size: 13px; line-height: 1.2; } }
.slrt-landing .slrt-guides ul { padding-left: 20px; margin: 4px 0; } .slrt-landing .slrt-guides li { min-height: 32px; }
.slrt-landing details { margin-top: 12px; } .slrt-landing summary { cursor: pointer; min-height: 40px;
                                                                    line-height: 40px; font-weight: 600; }
</style>"""


def render_html(folder: str | Path | None = None, lang: str | None = None) -> str:
    """The landing page as one HTML fragment in ``lang`` (default: current language).

    First the trainees' big buttons ("Peserta mulai di sini"), then the trainer's, then what
    the kit is and who it is for (folded, so a phone shows the buttons in one screen).
    """
    lang = lang or i18n.get_language()

    def tr(key: str) -> str:  # catalogue text may hold simple markup (<b>)
        return t(key, lang=lang)

    def buttons(apps: list[App]) -> str:
        items = "\n".join(
            f'<li><a class="slrt-app" href="{html.escape(app.href)}" data-notebook="{html.escape(app.notebook)}">'
            f'<span class="slrt-app-name">{tr(app.key)}</span>'
            f'<span class="slrt-app-desc">{tr(app.key + ".desc")}</span></a></li>'
            for app in apps
        )
        return f'<ul class="slrt-apps">\n{items}\n</ul>'

    apps = available_apps(folder)
    trainee = [a for a in apps if a.notebook in TRAINEE_APPS]
    trainer = [a for a in apps if a.notebook not in TRAINEE_APPS]
    sections = []
    if trainee:
        sections.append(f'<section class="slrt-start"><h2>{tr("landing.start.heading")}</h2>'
                        f'<p>{tr("landing.start.body")}</p>{buttons(trainee)}</section>')
    if trainer:
        sections.append(f'<section class="slrt-trainer"><h2>{tr("landing.trainer.heading")}</h2>'
                        f'{buttons(trainer)}</section>')
    apps_html = "\n".join(sections) or f"<p>{tr('landing.apps.none')}</p>"
    links = guides.landing_links(lang)
    if links:  # the guides in docs/, served by the class server at /panduan/ (slrt_sim.apps.guides)
        items = "".join(f'<li><a href="{html.escape(href)}">{html.escape(label)}</a></li>' for href, label in links)
        apps_html += f'\n<section class="slrt-guides"><h2>{tr("landing.guides.heading")}</h2><ul>{items}</ul></section>'
    who = "\n".join(
        f"<li>{tr(k)}</li>" for k in ("landing.who.trainers", "landing.who.facilitators", "landing.who.planners")
    )
    return f"""{CSS}<div class="slrt-landing" lang="{lang}">
<h1 class="slrt-title">{tr('landing.title')}</h1>
<p class="slrt-sub"><i>{tr('landing.subtitle')}</i></p>
{apps_html}
<details><summary>{tr('landing.what.heading')}</summary>
<p>{tr('landing.what.body')}</p>
<h2>{tr('landing.who.heading')}</h2>
<ul>
{who}
</ul>
</details>
<p class="slrt-footer" style="font-size: smaller; opacity: 0.7">{tr('landing.footer')}
· <span class="slrt-version">{html.escape(t('landing.version', lang=lang, version=slrt_sim.__version__))}</span></p>
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
    from slrt_sim.apps import style

    box = widgets.VBox([widgets.HTML(style.CSS), page, toggle])
    box.add_class(style.ROOT_CLASS)
    return box
