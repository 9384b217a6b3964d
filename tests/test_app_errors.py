"""Any button callback's error: logged on the server, one short line for the user."""
from __future__ import annotations

import ipywidgets as W

from slrt_sim.apps._errors import guarded
from slrt_sim.i18n import t


def test_callback_error_is_logged_and_shown_as_one_line(caplog):
    msg = W.HTML()

    def boom(_b=None):
        raise ZeroDivisionError("secret detail")

    btn = W.Button()
    btn.on_click(guarded(boom, msg, "submit"))
    btn.click()
    assert msg.value.count("<span") == 1 and t("app.error", what="submit") in msg.value
    assert "secret detail" not in msg.value and "Traceback" not in msg.value
    assert "ZeroDivisionError" in caplog.text and "submit" in caplog.text


def test_dashboard_pin_and_refresh_errors_do_not_blank_the_page(tmp_path, monkeypatch):
    from slrt_sim.apps.dashboard import Dashboard
    from slrt_sim.training import dashboard as dash
    from slrt_sim.training.store import SessionStore

    d = Dashboard(SessionStore(tmp_path / "s.sqlite"))
    monkeypatch.setattr(dash, "check_pin", lambda *a, **k: 1 / 0)
    d.pin_btn.click()
    assert t("app.error", what="PIN") in d.pin_msg.value


def test_training_never_imports_the_apps():
    from pathlib import Path

    import slrt_sim.training as training

    import re

    for path in Path(training.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+slrt_sim\.apps", text, re.M), path.name
