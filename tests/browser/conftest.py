"""Browser-test harness: a real Voila server and Debian's Chromium driven by Playwright.

Fixtures for every test under ``tests/browser/``:

``voila_server`` (session)
    Voila serving ``notebooks/`` exactly as ``make app`` does (``voila.json``, the
    offline ``slrt`` template), on a free 127.0.0.1 port, with ``SLRT_TRAINER_PIN=4321``
    and a temporary ``SLRT_DB``. Attributes: ``url``, ``render_url(name)``, ``log()``,
    ``env`` (the server's environment).
``browser`` (session)
    Chromium at ``/usr/bin/chromium`` (``SLRT_CHROMIUM`` overrides), headless.
    ``playwright install`` is not used: browsers cannot be downloaded here.
``page``
    A fresh browser context and page. Every request to a host other than
    localhost/127.0.0.1 is recorded in ``external_requests`` and aborted, so a
    forgotten CDN link fails fast and visibly instead of hanging the page.
``external_requests``
    The list of recorded external URLs for the current ``page``.
``assert_no_external_requests``
    Call it at the end of a test: ``assert_no_external_requests()``; fails with
    the list of offending URLs.
``open_app``
    ``open_app("planner.ipynb")`` loads ``/voila/render/planner.ipynb`` in ``page`` and
    waits until Voila has executed the notebook and shown the cells.
``wait_for_voila``
    ``wait_for_voila(page)`` after navigating yourself (e.g. after clicking a link).
``page_errors``
    Uncaught JavaScript errors of the current ``page``.
``trainer_pin``
    The PIN the servers run with: ``"4321"``.

If Chromium or Playwright is missing, browser tests are skipped with the reason,
except in CI (``CI`` set and not false) where they fail: CI must run them
(``.ci/run`` installs Chromium).
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.voila_process import VoilaProcess

CHROMIUM = os.environ.get("SLRT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TRAINER_PIN = "4321"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
VOILA_TIMEOUT_MS = 90_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def browser_unavailable(reason: str) -> None:
    """Skip locally; fail in CI, where browser tests must run."""
    if in_ci():
        pytest.fail(
            f"{reason}. CI is set, so browser tests must run: install Debian's chromium "
            "(`apt-get install -y --no-install-recommends chromium`, as .ci/run does).",
            pytrace=False,
        )
    pytest.skip(f"{reason} (browser tests skipped outside CI)")


def is_external(url: str) -> bool:
    """True for a network URL whose host is not this machine."""
    parts = urlsplit(url)
    if parts.scheme not in NETWORK_SCHEMES:
        return False  # data:, blob:, about:, chrome-extension: ...
    return (parts.hostname or "") not in LOCAL_HOSTS


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("voila")
    server = VoilaProcess(
        pin=TRAINER_PIN,
        db=tmp / "slrt-sessions.sqlite",
        log_path=tmp / "voila.log",
    )
    with server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        browser_unavailable(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements.lock
        browser_unavailable("the python package playwright is not installed")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def external_requests() -> list[str]:
    return []


@pytest.fixture
def page_errors() -> list[str]:
    return []


@pytest.fixture
def page(browser, external_requests, page_errors):
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(VOILA_TIMEOUT_MS)

    def on_request(request):
        if is_external(request.url):
            external_requests.append(request.url)

    def on_websocket(ws):
        if is_external(ws.url):
            external_requests.append(ws.url)

    def block_external(route):
        if is_external(route.request.url):
            route.abort()
        else:
            route.continue_()

    context.on("request", on_request)
    context.route("**/*", block_external)
    pg = context.new_page()
    pg.on("websocket", on_websocket)
    pg.on("pageerror", lambda exc: page_errors.append(str(exc)))
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def assert_no_external_requests(external_requests):
    def check(requests: list[str] | None = None) -> None:
        found = external_requests if requests is None else requests
        assert not found, (
            "the kit must work offline, but the page requested other hosts:\n  "
            + "\n  ".join(sorted(set(found)))
        )

    return check


def wait_for_voila(page) -> None:
    """Wait until Voila has executed the notebook, shown the cells and the widgets."""
    page.wait_for_selector("#rendered_cells", state="visible", timeout=VOILA_TIMEOUT_MS)
    page.wait_for_selector("#loading", state="detached", timeout=VOILA_TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=VOILA_TIMEOUT_MS)


@pytest.fixture(name="wait_for_voila")
def wait_for_voila_fixture():
    """The :func:`wait_for_voila` function, for tests that navigate themselves."""
    return wait_for_voila


@pytest.fixture
def trainer_pin() -> str:
    """The trainer PIN the test servers run with (``SLRT_TRAINER_PIN``)."""
    return TRAINER_PIN


@pytest.fixture
def open_app(page, voila_server):
    def open_(notebook: str):
        response = page.goto(voila_server.render_url(notebook), wait_until="domcontentloaded")
        assert response is not None and response.status == 200, f"{notebook}: HTTP {response and response.status}"
        wait_for_voila(page)
        return page

    return open_


@pytest.fixture(name="open_dashboard_class")
def open_dashboard_class_fixture():
    """The :func:`open_dashboard_class` function, for tests."""
    return open_dashboard_class


@pytest.fixture(name="enter_pin_choose_class")
def enter_pin_choose_class_fixture():
    """The :func:`enter_pin_choose_class` function, for tests."""
    return enter_pin_choose_class


def open_dashboard_class(page, server, pin: str, code: str) -> None:
    """Open the trainer dashboard, enter ``pin`` and choose the class ``code`` (its options arrive
    with the widget's state, possibly after the select is drawn)."""
    page.goto(server.render_url("trainer_dashboard.ipynb"), wait_until="domcontentloaded")
    wait_for_voila(page)
    enter_pin_choose_class(page, pin, code)


def enter_pin_choose_class(page, pin: str, code: str) -> None:
    """On the dashboard's PIN box: enter ``pin`` and choose the class ``code`` (its options arrive
    with the widget's state, possibly after the select is drawn)."""
    page.locator(".slrt-pin input").fill(pin)
    page.locator(".slrt-pin-enter").click()
    page.locator(".slrt-class-choose select").wait_for(state="visible")
    page.locator(".slrt-class-choose option", has_text=code).first.wait_for(state="attached")
    labels = page.locator(".slrt-class-choose option").all_inner_texts()
    page.locator(".slrt-class-choose select").select_option(
        label=next(o for o in labels if o.replace("\xa0", " ").startswith(code + " ")))
