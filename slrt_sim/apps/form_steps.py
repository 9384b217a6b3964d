"""A long form shown one part at a time on a phone, whole on a wider screen.

The front-office registration form is three parts (identity, complaint, decision); on a phone
all of it stacked was four screens of scrolling, with the submit button at the very bottom.
:class:`FormSteps` keeps every part in the page and lets CSS decide:

* below :data:`PHONE_MAX_PX` wide, only the current part is shown, under a bar of three step
  buttons ("1 Identitas · 2 Keluhan · 3 Keputusan"), with "Kembali" and "Lanjut" at its foot;
  the submit button shows on the last part only;
* wider, the bar and the step buttons are hidden and the whole form is shown, as before.

Hiding is only CSS (``display: none``): no widget is rebuilt, so nothing typed is lost when the
trainee goes back and forth. When a submit finds mistakes, :meth:`FormSteps.mark` puts a red
count on the step buttons of the parts with mistakes and opens the first of them. After a step
change a hidden helper (:class:`ScrollTop`, a few lines of ``anywidget`` JavaScript that travel
with the widget, offline) brings the form's top back on screen when it has scrolled away.
"""
from __future__ import annotations

import html
from typing import Callable, Mapping, Sequence

import anywidget
import ipywidgets as W
import traitlets

from slrt_sim.i18n import t

__all__ = ["FormSteps", "PHONE_MAX_PX", "CSS"]

PHONE_MAX_PX = 700
"""Widest screen (CSS px) that gets the form one part at a time: phones, and small tablets held upright."""

CSS = f"""<style>
.slrt-steps-bar {{ display: none !important; }}
.slrt-steps-nav {{ display: none !important; }}
@media (max-width: {PHONE_MAX_PX}px) {{
  .slrt-steps-bar {{ display: grid !important; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 4px;
                     margin: 4px 0 8px 0; }}
  .slrt-steps-bar .jupyter-button {{ width: 100%; padding: 6px 4px; font-size: 14px; background: #eef1f4;
                                     color: #24292f; border-radius: 6px; }}
  .slrt-steps-bar .jupyter-button.slrt-step-current {{ background: #1f6feb; color: #fff; font-weight: 700; }}
  .slrt-steps-bar .jupyter-button.slrt-step-err {{ box-shadow: inset 0 0 0 2px #c62828; }}
  .slrt-steps-bar .jupyter-button.slrt-step-err.slrt-step-current {{ box-shadow: inset 0 0 0 3px #ffb4b4; }}
  .slrt-steps-nav {{ display: flex !important; justify-content: space-between; gap: 8px; margin-top: 8px; }}
  .slrt-steps-nav .jupyter-button {{ flex: 1 1 0; }}
  .slrt-step:not(.slrt-step-current) {{ display: none !important; }}
  .slrt-steps:not(.slrt-steps-last) .slrt-steps-final {{ display: none !important; }}
  .slrt-steps-spacer {{ visibility: hidden; }}
}}
</style>"""

_SCROLL_ESM = r"""
function render({ model, el }) {
  el.classList.add('slrt-scroll-top');
  model.on('change:nonce', () => {
    const widest = model.get('max_width');
    if (widest && !window.matchMedia(`(max-width: ${widest}px)`).matches) return;
    const target = document.querySelector(model.get('selector'));
    if (!target) return;
    const top = target.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.5) target.scrollIntoView({ block: 'start' });
  });
}
export default { render };
"""


class ScrollTop(anywidget.AnyWidget):
    """Hidden: each change of ``nonce`` scrolls the element ``selector`` to the top of the screen
    when its top is above the screen or in its lower half; with ``max_width``, only on screens
    at most that wide."""

    _esm = _SCROLL_ESM
    selector = traitlets.Unicode("").tag(sync=True)
    nonce = traitlets.Int(0).tag(sync=True)
    max_width = traitlets.Int(0).tag(sync=True)


def _e(x: object) -> str:
    return html.escape(str(x))


class FormSteps:
    """``parts``: (key, step label, title, widgets) in order; ``final``: the widgets shown after
    the last part (the submit button and its message), on a phone only at the last step.

    ``.widget`` is the whole form; ``.current`` the index of the part shown on a phone.
    ``on_change(i)`` (optional) is called after the trainee moves to part ``i``.
    """

    def __init__(self, parts: Sequence[tuple[str, str, str, Sequence[W.Widget]]], final: Sequence[W.Widget],
                 root_class: str, on_change: Callable[[int], None] | None = None):
        self.keys = [k for k, _, _, _ in parts]
        self.labels = [label for _, label, _, _ in parts]
        self.on_change = on_change
        self.current = 0
        self.buttons: list[W.Button] = []
        for i in range(len(parts)):
            b = W.Button(description=self._label(i), tooltip=parts[i][2])
            b.add_class("slrt-step-btn")
            b.add_class(f"slrt-step-btn-{self.keys[i]}")
            b.on_click(lambda _b, i=i: self.go(i))
            self.buttons.append(b)
        self.bar = W.Box(self.buttons)
        self.bar.add_class("slrt-steps-bar")
        self.boxes: list[W.VBox] = []
        n = len(parts)
        for i, (key, _label, title, widgets) in enumerate(parts):
            back = W.Button(description=t("form.step.back"), icon="arrow-left")
            back.add_class("slrt-step-back")
            back.on_click(lambda _b, i=i: self.go(i - 1))
            if i == 0:
                back.add_class("slrt-steps-spacer")
            nav_items: list[W.Widget] = [back]
            if i < n - 1:
                nxt = W.Button(description=t("form.step.next", label=self.labels[i + 1]), icon="arrow-right",
                               button_style="primary")
                nxt.add_class("slrt-step-next")
                nxt.on_click(lambda _b, i=i: self.go(i + 1))
                nav_items.append(nxt)
            nav = W.HBox(nav_items)
            nav.add_class("slrt-steps-nav")
            heading = W.HTML(f"<div class='slrt-section'>{_e(title)}</div>")
            box = W.VBox([heading, *widgets, nav], layout=W.Layout(min_width="0"))
            box.add_class("slrt-step")
            box.add_class(f"slrt-step-{key}")
            self.boxes.append(box)
        self.final = W.VBox(list(final), layout=W.Layout(min_width="0"))
        self.final.add_class("slrt-steps-final")
        # the parts are shown one at a time only on a phone: elsewhere a step change moves nothing
        self.scroll = ScrollTop(selector=f".{root_class}", max_width=PHONE_MAX_PX, layout=W.Layout(display="none"))
        self.widget = W.VBox([self.bar, *self.boxes, self.final, self.scroll], layout=W.Layout(min_width="0"))
        self.widget.add_class("slrt-steps")
        self.widget.add_class(root_class)
        self._show(0)

    def _label(self, i: int, mistakes: int = 0) -> str:
        """A step button's text: "1 Identitas", with "⚠2" when two of its fields are marked wrong."""
        return f"{i + 1} {self.labels[i]}" + (f" ⚠{mistakes}" if mistakes else "")

    def _show(self, i: int) -> None:
        self.current = i
        for j, (b, box) in enumerate(zip(self.buttons, self.boxes)):
            for w in (b, box):
                (w.add_class if j == i else w.remove_class)("slrt-step-current")
        (self.widget.add_class if i == len(self.boxes) - 1 else self.widget.remove_class)("slrt-steps-last")

    def go(self, i: int, scroll: bool = True) -> None:
        """Show part ``i`` (clamped to the parts there are)."""
        i = max(0, min(len(self.boxes) - 1, i))
        self._show(i)
        if scroll:
            self.scroll.nonce += 1
        if self.on_change is not None:
            self.on_change(i)

    def mark(self, errors_per_part: Mapping[str, int], open_first: bool = True) -> None:
        """Show on each step button how many of its fields are marked wrong; with ``open_first``,
        go to the first part that has any."""
        first = None
        for i, (key, b) in enumerate(zip(self.keys, self.buttons)):
            n = int(errors_per_part.get(key, 0))
            b.description = self._label(i, n)
            (b.add_class if n else b.remove_class)("slrt-step-err")
            if n and first is None:
                first = i
        if open_first and first is not None and first != self.current:
            self.go(first)
