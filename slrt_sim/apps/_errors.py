"""One way for every app to survive an error in a button callback.

:func:`guard` wraps a widget callback: an exception is logged on the server (with its
traceback, logger ``slrt_sim.apps``) and shown to the user as one short line in an HTML
widget (catalogue ``app.error``), instead of vanishing into the kernel's log or leaving a
half-drawn page. In a served kernel the log is the server's (:func:`slrt_sim.apps._hall.install_log`).
"""
from __future__ import annotations

import functools
import html
import logging
from typing import Any, Callable

from slrt_sim.apps import _hall
from slrt_sim.i18n import t

log = logging.getLogger("slrt_sim.apps")
_hall.install_log()  # in a served kernel: warnings and errors go to the trainer's terminal


def error_line(what: str) -> str:
    """The one-line message shown for a failed action."""
    return f'<span class="slrt-bad slrt-app-error">{html.escape(t("app.error", what=what))}</span>'


def guard(target: Any, what: str) -> Callable[[Callable], Callable]:
    """Decorator for a callback: on an exception, log it and set ``target.value`` (an HTML widget,
    or a callable returning one) to one short line naming ``what`` failed."""
    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - shown as one line, logged in full
                known = callable(getattr(exc, "message", None))  # a limit with its own catalogue line
                if known:
                    log.warning("app callback %s refused: %s", what, exc)
                else:
                    log.exception("app callback %s failed", what)
                widget = target() if callable(target) else target
                if widget is not None:
                    widget.value = (f'<span class="slrt-bad slrt-app-error">{html.escape(exc.message())}</span>'
                                    if known else error_line(what))
                return None
        return run
    return wrap


def guarded(fn: Callable, target: Any, what: str) -> Callable:
    """``guard(target, what)(fn)``: for callbacks registered inline (``btn.on_click(guarded(...))``)."""
    return guard(target, what)(fn)
