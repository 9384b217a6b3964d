"""The trainee's name and class code kept in the browser, so that a reload does not ask again.

A reload of a Voila page starts a new kernel: nothing typed survives on the server side. The
URL query would need the notebook to wait for the request (``voila.utils.wait_for_request``)
before reading it, which pre-heated kernels make fragile, and the page would still have to
rewrite its own URL. So the fields are kept where the browser keeps them, in ``localStorage``
under one key per app, by :class:`BrowserMemory`: a hidden ``anywidget`` whose few lines of
JavaScript travel with the widget (offline). Only what the trainee typed into the login
fields is stored, on their own device; a field already filled is never overwritten.
"""
from __future__ import annotations

from typing import Mapping

import anywidget
import ipywidgets as W
import traitlets

_ESM = r"""
function render({ model, el }) {
  const key = model.get('key');
  let saved = null;
  try { saved = JSON.parse(window.localStorage.getItem(key) || 'null'); } catch (e) { saved = null; }
  if (saved && typeof saved === 'object' && Object.keys(model.get('data')).length === 0) {
    model.set('data', saved);
    model.save_changes();
  }
  model.on('change:data', () => {
    try { window.localStorage.setItem(key, JSON.stringify(model.get('data'))); } catch (e) { /* private mode */ }
  });
  el.classList.add('slrt-memory');
  el.dataset.restored = saved ? '1' : '0';
}
export default { render };
"""


class BrowserMemory(anywidget.AnyWidget):
    """A small dict kept in the browser's ``localStorage[key]`` (restored when the page is shown)."""

    _esm = _ESM
    key = traitlets.Unicode("slrt").tag(sync=True)
    data = traitlets.Dict({}).tag(sync=True)


def remember(key: str, fields: Mapping[str, W.Text]) -> BrowserMemory:
    """Keep ``fields`` (name -> text box) in the browser under ``key``; returns the (hidden) widget
    to put anywhere in the app's tree. A stored value fills its box only while the box is empty."""
    memory = BrowserMemory(key=key, layout=W.Layout(display="none"))

    def restored(change) -> None:
        for name, box in fields.items():
            value = change["new"].get(name)
            if isinstance(value, str) and value and not box.value:
                box.value = value

    def typed(_change) -> None:
        memory.data = {name: box.value for name, box in fields.items()}

    memory.observe(restored, names="data")
    for box in fields.values():
        box.observe(typed, names="value")
    return memory
