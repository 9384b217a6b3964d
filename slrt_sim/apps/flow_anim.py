"""The households moving through the SLRT stages: an animated flow for a projector.

:class:`FlowAnimation` is a small custom widget (``anywidget``: its JavaScript is the string
below, sent to the browser through the kernel, so nothing is fetched from the network). Each
case of the run is a dot; the columns are :data:`slrt_sim.experiments.animation.COLUMNS`
with their label and count in large type. The widget shows the day in its ``day`` trait;
the walkthrough links that trait to its ``Play`` (and ``playing`` to the Putar/Jeda button),
so the dots follow the same clock as the slider, the status sentence and the area chart, and
stop where the trainer pauses. Between two days the dots glide (a CSS transition), so a
household is seen moving from one column to the next.
"""
from __future__ import annotations

import anywidget
import traitlets

from slrt_sim.experiments import animation as AN
from slrt_sim.i18n import t

_ESM = r"""
function render({ model, el }) {
  const root = document.createElement('div');
  root.className = 'slrt-flow';
  const head = document.createElement('div');
  head.className = 'slrt-flow-head';
  const dayEl = document.createElement('span');
  dayEl.className = 'slrt-flow-day';
  const pauseEl = document.createElement('span');
  pauseEl.className = 'slrt-flow-paused';
  head.append(dayEl, pauseEl);
  const stage = document.createElement('div');
  stage.className = 'slrt-flow-stage';
  root.append(head, stage);
  el.appendChild(root);

  let dots = [], counts = [], colEls = [], layout = null;

  function build() {
    stage.innerHTML = '';
    const names = model.get('columns'), labels = model.get('labels'), colours = model.get('colours');
    const maxc = model.get('max_counts');
    const n = names.length;
    const biggest = Math.max(1, ...maxc);
    const perRow = biggest > 240 ? 12 : biggest > 90 ? 8 : 5;
    const pitch = biggest > 240 ? 11 : biggest > 90 ? 14 : 20;
    const rows = Math.ceil(biggest / perRow);
    layout = { n, perRow, pitch, top: 96, height: 96 + rows * pitch + 8 };
    stage.style.height = layout.height + 'px';
    colEls = []; counts = [];
    names.forEach((name, j) => {
      const col = document.createElement('div');
      col.className = 'slrt-flow-col slrt-flow-col-' + name;
      col.style.left = (100 * j / n) + '%';
      col.style.width = (100 / n) + '%';
      col.style.borderTopColor = colours[j];
      const lab = document.createElement('div');
      lab.className = 'slrt-flow-label';
      lab.textContent = labels[j];
      const cnt = document.createElement('div');
      cnt.className = 'slrt-flow-count slrt-flow-count-' + name;
      cnt.style.color = colours[j];
      col.append(lab, cnt);
      stage.appendChild(col);
      colEls.push(col); counts.push(cnt);
    });
    dots = model.get('paths').map(() => {
      const d = document.createElement('div');
      d.className = 'slrt-flow-dot';
      d.style.width = d.style.height = (pitch - 4) + 'px';
      stage.appendChild(d);
      return d;
    });
    draw();
  }

  function columnAt(path, day) {  // [t0, c0, t1, c1, ...] -> [column, time entered]
    let col = -1, since = 0;
    for (let i = 0; i < path.length; i += 2) {
      if (path[i] > day) break;
      col = path[i + 1]; since = path[i];
    }
    return [col, since];
  }

  function draw() {
    if (!layout) return;
    const day = model.get('day'), paths = model.get('paths'), colours = model.get('colours');
    const slots = Array.from({ length: layout.n }, () => []);
    const marked = new Set(model.get('marked'));
    paths.forEach((p, i) => {
      const [col, since] = columnAt(p, day);
      if (col >= 0) slots[col].push([since, i]);
    });
    const shown = new Set();
    slots.forEach((list, j) => {
      list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      counts[j].textContent = String(list.length);
      list.forEach(([, i], k) => {
        const d = dots[i];
        const x = (j + ((k % layout.perRow) + 0.5) / layout.perRow) / layout.n;
        d.style.left = 'calc(' + (100 * x) + '% - ' + ((layout.pitch - 4) / 2) + 'px)';
        d.style.top = (layout.top + Math.floor(k / layout.perRow) * layout.pitch) + 'px';
        d.style.background = colours[j];
        d.style.opacity = '1';
        d.classList.toggle('slrt-flow-dot-marked', marked.has(i));
        shown.add(i);
      });
    });
    dots.forEach((d, i) => { if (!shown.has(i)) { d.style.opacity = '0'; } });
    dayEl.textContent = model.get('day_text').replace('{day}', String(day));
    root.dataset.day = String(day);
    root.dataset.playing = model.get('playing') ? '1' : '0';
    pauseEl.textContent = model.get('playing') ? '' : model.get('paused_text');
  }

  model.on('change:day', draw);
  model.on('change:playing', draw);
  model.on('change:paths', build);
  model.on('change:max_counts', build);
  build();
}
export default { render };
"""

_CSS = """
.slrt-flow { font-family: sans-serif; width: 100%; max-width: 1200px; user-select: none; }
.slrt-flow-head { display: flex; align-items: baseline; gap: 24px; margin: 4px 0 8px; }
.slrt-flow-day { font-size: 34px; font-weight: 700; }
.slrt-flow-paused { font-size: 26px; font-weight: 700; color: #c0392b; }
.slrt-flow-stage { position: relative; width: 100%; background: #fafafa; border-radius: 8px; }
.slrt-flow-col { position: absolute; top: 0; bottom: 0; box-sizing: border-box; border-top: 8px solid;
                 border-right: 1px dashed #cfcfcf; padding: 4px 4px 0; text-align: center; }
.slrt-flow-label { font-size: 18px; font-weight: 700; line-height: 1.15; height: 44px; overflow: hidden; }
.slrt-flow-count { font-size: 34px; font-weight: 800; line-height: 40px; }
.slrt-flow-dot-marked { box-shadow: 0 0 0 3px #111; z-index: 2; }
.slrt-flow-dot { position: absolute; border-radius: 50%; opacity: 0;
                 transition: left 0.55s ease-in-out, top 0.55s ease-in-out, background-color 0.55s, opacity 0.3s; }
@media (max-width: 700px) {
  .slrt-flow-label { font-size: 12px; height: 44px; }
  .slrt-flow-count { font-size: 22px; }
  .slrt-flow-day { font-size: 24px; }
}
"""


class FlowAnimation(anywidget.AnyWidget):
    """Dots for the cases of one run, in the columns of :data:`slrt_sim.experiments.animation.COLUMNS`."""

    _esm = _ESM
    _css = _CSS
    paths = traitlets.List([]).tag(sync=True)
    columns = traitlets.List(list(AN.COLUMNS)).tag(sync=True)
    labels = traitlets.List([]).tag(sync=True)
    colours = traitlets.List(list(AN.COLUMN_COLOURS)).tag(sync=True)
    max_counts = traitlets.List([]).tag(sync=True)
    marked = traitlets.List([]).tag(sync=True)
    day = traitlets.Int(0).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    day_text = traitlets.Unicode("{day}").tag(sync=True)
    paused_text = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(labels=[t(f"walk.flow.col.{c}") for c in AN.COLUMNS],
                         day_text=t("walk.flow.day", day="{day}"), paused_text=t("walk.flow.paused"), **kwargs)

    def show_flow(self, flow: AN.Flow, marked=()) -> None:
        """Draw the cases of ``flow`` (the column heights are fixed for the whole year); the dots
        ``marked`` (indices) are ringed: the class's own households in a debrief."""
        peak = flow.max_counts()
        with self.hold_sync():
            self.max_counts = [peak[c] for c in AN.COLUMNS]
            self.marked = [int(i) for i in marked]
            self.paths = flow.to_json()
