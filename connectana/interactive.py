"""Interactive network views in the notebook (ipysigma), exportable to HTML.

:func:`sigma_graph` prepares a networkx graph whose node and edge attributes
ipysigma shows on hover: pseudonymised label, role, community, size measure,
the week a person first became active and the week each tie formed (so the
widget's category filter doubles as a time filter). :func:`interactive`
returns the ipysigma widget; :func:`time_slider` adds a slider that shows the
cumulative network up to a chosen period; :func:`write_html` writes one
self-contained HTML file that works offline: the view's state, ipysigma's own
widget bundle read from the installed package, and a few lines standing in for
the widget manager (:data:`WIDGET_SHIM`) — no CDN, no other widget of the
process.

ipysigma and ipywidgets come with the ``notebooks`` extra
(``pip install -e ".[notebooks]"``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import ParameterError
from .network import Network
from .periods import make_periods
from .plotting import ROLE_COLORS, network_layout, person_labels

__all__ = ["sigma_graph", "interactive", "write_html", "time_slider", "WIDGET_SHIM"]


def _period_label(t: pd.Series, start: pd.Timestamp | None, freq: str) -> pd.Series:
    """Display text of each time's period (:meth:`connectana.periods.Periods.text`)."""
    if len(t) == 0:
        return pd.Series([], index=t.index, dtype=object)
    per = make_periods(t, freq=freq, start=start)
    return pd.Series(per.text(per.position(t)), index=t.index, dtype=object)


def sigma_graph(
    net: Network,
    *,
    membership: pd.Series | None = None,
    size: pd.Series | None = None,
    labels: str | Mapping[Any, str] | None = "pseudonyms",
    key: bytes | str | None = None,
    key_file: str | os.PathLike | None = None,
    course_start: Any = None,
    freq: str = "W",
    seed: int = 0,
):
    """A networkx graph with display attributes for ipysigma.

    Node attributes: ``label`` (pseudonym unless ``labels="names"``),
    ``role``, ``community`` (when ``membership`` is given), ``size`` (the
    given measure, else degree), ``first_active`` (period of the first tie),
    ``x``/``y`` (a seeded layout, so the view is the same every time). Edge
    attributes: ``weight``, ``formed`` (period of the first interaction).
    Person ids never appear: nodes are keyed by their label.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.interactive import sigma_graph
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b"], "target": ["b", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-09"], utc=True)}))
    >>> g = sigma_graph(ca.build_network(ev), key=b"k")
    >>> sorted(d["formed"] for _, _, d in g.edges(data=True))
    ['2024-01-01/2024-01-07', '2024-01-08/2024-01-14']
    """
    import networkx as nx

    ids = [str(i) for i in net.nodes.index]
    names = (
        net.nodes["display_name"].dropna().astype(str).to_dict()
        if "display_name" in net.nodes.columns
        else {}
    )
    lab = person_labels(
        ids,
        labels=labels if labels is not None else "pseudonyms",
        names=names,
        key=key,
        key_file=key_file,
        pseudonymized=bool(net.meta.get("pseudonymized")),
    )
    start = None if course_start is None else pd.Timestamp(course_start)
    if start is not None and start.tzinfo is None:
        raise ParameterError("course_start needs a time zone, e.g. '2026-01-12T00:00Z'")
    formed = _period_label(net.edges["first"], start, freq) if len(net.edges) else pd.Series([])
    src, dst = net.edge_codes()
    first_seen = pd.Series(pd.NaT, index=range(len(ids)), dtype="datetime64[ns, UTC]")
    if len(net.edges):
        both = pd.DataFrame(
            {
                "node": np.concatenate([src, dst]),
                "t": pd.concat([net.edges["first"]] * 2).to_numpy(),
            }
        )
        first_seen.update(both.groupby("node")["t"].min())
    first_label = _period_label(first_seen.dropna(), start, freq)
    if size is None:
        size_vals = np.asarray(net.to_igraph().degree(), dtype=float)
    else:
        size_vals = pd.Series(size).reindex(net.nodes.index).fillna(0).to_numpy(dtype=float)
    pos = network_layout(net, seed=seed)
    roles = (
        net.nodes["role"].fillna("unknown").astype(str).tolist()
        if "role" in net.nodes.columns
        else ["unknown"] * len(ids)
    )
    comm = None if membership is None else pd.Series(membership).reindex(net.nodes.index)
    g = nx.DiGraph() if net.directed else nx.Graph()
    for i, node in enumerate(ids):
        attrs = {
            "label": lab[node],
            "role": roles[i],
            "size": float(size_vals[i]),
            "x": float(pos[i, 0]),
            "y": float(pos[i, 1]),
            "first_active": first_label.get(i, "never"),
            "color": ROLE_COLORS.get(roles[i], "#7f7f7f"),
        }
        if comm is not None and not pd.isna(comm.iloc[i]):
            attrs["community"] = str(int(comm.iloc[i]))
        g.add_node(lab[node], **attrs)
    for j, (a, b) in enumerate(zip(src, dst, strict=True)):
        g.add_edge(
            lab[ids[a]],
            lab[ids[b]],
            weight=float(net.edges["weight"].iloc[j]),
            formed=str(formed.iloc[j]),
        )
    return g


def _sigma_kwargs(g, color: str) -> dict:
    kw: dict[str, Any] = {
        "node_size": "size",
        "edge_size": "weight",
        # ipysigma's layout is {node: {"x", "y"}} (graphology's assignLayout)
        "layout": {n: {"x": d["x"], "y": d["y"]} for n, d in g.nodes(data=True)},
        "node_label": "label",
        "default_edge_type": "arrow" if g.is_directed() else "line",
    }
    if color == "community" and any("community" in d for _, d in g.nodes(data=True)):
        kw["node_color"] = "community"
    elif color == "role":
        kw["raw_node_color"] = "color"
    else:
        kw["node_color"] = color
    return kw


def interactive(net: Network, *, color: str = "community", height: int = 500, **graph_options):
    """An ipysigma widget: pan, zoom, hover details, colour by community or role.

    ``graph_options`` go to :func:`sigma_graph` (``membership=``, ``size=``,
    ``labels=``, ``key=``...). ``color`` is ``"community"``, ``"role"`` or a
    node attribute name (``"first_active"`` colours people by when they joined).
    """
    from ipysigma import Sigma

    g = sigma_graph(net, **graph_options)
    return Sigma(g, height=height, **_sigma_kwargs(g, color))


def write_html(
    net: Network, path: str | os.PathLike, *, color: str = "community", **graph_options
) -> Path:
    """Write the interactive view to one self-contained HTML file; returns the path.

    The file holds the state of this view only — ipywidgets' default export
    (``Sigma.write_html``) embeds every live widget of the Python process, so a
    pseudonymised file written after ``interactive(net, labels="names")``
    carried the names of the other view — and all the JavaScript it runs:
    ipysigma's widget bundle from the installed package
    (``ipysigma/nbextension/index.js``) and :data:`WIDGET_SHIM`, the part of
    ``@jupyter-widgets/base`` that bundle uses (a model with ``get``/``set``/
    ``on``, a view with ``el``/``touch``/``displayed``). Nothing is loaded
    from the network: the file works offline and where third-party scripts
    are blocked. The widget made here is closed once written.
    """
    import json
    from importlib import resources

    from ipysigma import Sigma

    g = sigma_graph(net, **graph_options)
    path = Path(path)
    kwargs = _sigma_kwargs(g, color)
    kwargs.update(height=None, raw_height="calc(100vh - 16px)")  # full window
    view = Sigma(g, **kwargs)
    try:
        state = view.get_state()
    finally:
        view.close()
    bundle = (resources.files("ipysigma") / "nbextension" / "index.js").read_text("utf-8")
    bundle = bundle.replace("//# sourceMappingURL=index.js.map", "")

    def script(text: str) -> str:  # nothing inside may close the <script> element
        return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")

    data = json.dumps(state, default=str).replace("</", "<\\/")
    path.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>connectana network</title></head><body style='margin:8px'>"
        "<div id='connectana-view' style='height:calc(100vh - 16px)'></div>"
        f"<script type='application/json' id='connectana-view-state'>{data}</script>"
        f"<script>{script(WIDGET_SHIM)}</script><script>{script(bundle)}</script>"
        f"<script>{script(_BOOT)}</script></body></html>\n",
        encoding="utf-8",
    )
    return path


#: JavaScript standing in for the widget manager in :func:`write_html`'s file:
#: the part of ``@jupyter-widgets/base`` that ipysigma's bundle uses, and an
#: AMD ``define`` that hands it to the bundle.
WIDGET_SHIM = """/* connectana: the part of @jupyter-widgets/base that ipysigma's view uses, so the
   installed ipysigma bundle renders without a widget manager or a network. */
(function () {
  "use strict";
  class DOMWidgetModel {
    constructor(attributes) {
      this.attributes = Object.assign({}, this.defaults(), attributes || {});
      this._handlers = {};
    }
    defaults() { return {}; }
    get(key) { return this.attributes[key]; }
    set(key, value) {
      const changes = typeof key === "object" ? key : { [key]: value };
      for (const [k, v] of Object.entries(changes)) {
        this.attributes[k] = v;
        (this._handlers["change:" + k] || []).forEach((f) => f(this, v));
      }
      (this._handlers["change"] || []).forEach((f) => f(this));
    }
    on(events, handler, context) {
      for (const e of String(events).split(/\\s+/)) {
        (this._handlers[e] = this._handlers[e] || []).push(context ? handler.bind(context) : handler);
      }
    }
    off() {}
    save_changes() {}
    send() {}
  }
  class DOMWidgetView {
    constructor(options) {
      options = options || {};
      this.model = options.model;
      this.el = options.el || document.createElement("div");
      this.displayed = new Promise((resolve) => { this._shown = resolve; });
    }
    render() {}
    remove() { this.el.remove(); }
    touch() {}
    send() {}
  }
  const base = { DOMWidgetModel, DOMWidgetView };
  window.__connectanaWidgets = {};
  window.define = function (deps, factory) {
    const exports = factory(...deps.map((d) => (d === "@jupyter-widgets/base" ? base : undefined)));
    Object.assign(window.__connectanaWidgets, exports);
  };
  window.define.amd = true;
})();
"""

_BOOT = """(function () {
  "use strict";
  const W = window.__connectanaWidgets;
  const state = JSON.parse(document.getElementById("connectana-view-state").textContent);
  const model = new W.SigmaModel(state);
  const el = document.getElementById("connectana-view");
  const view = new W.SigmaView({ model: model, el: el });
  view.render();
  view._shown(view);
  window.__connectanaView = view;
})();
"""


def time_slider(
    events: pd.DataFrame,
    *,
    ties: str = "reply",
    people: pd.DataFrame | None = None,
    freq: str = "W",
    color: str = "role",
    **graph_options,
):
    """A slider over periods and the cumulative network up to the chosen one.

    Returns an ipywidgets ``VBox`` (slider + sigma view). Positions come from
    the full network, so people do not jump around as the network forms.
    """
    import ipywidgets as widgets
    from ipysigma import Sigma

    from .network import build_network

    full = build_network(events, ties, people=people)
    pos = network_layout(full, seed=graph_options.pop("seed", 0))
    ends = list(make_periods(events["timestamp"], freq=freq).ends)
    out = widgets.Output()

    def show(k: int) -> None:
        net = build_network(events, ties, people=people, end=ends[k])
        g = sigma_graph(net, **graph_options)
        order = full.nodes.index.get_indexer(net.nodes.index)
        for (_, d), i in zip(g.nodes(data=True), order, strict=True):
            d["x"], d["y"] = float(pos[i, 0]), float(pos[i, 1])
        out.clear_output(wait=True)
        with out:
            from IPython.display import display

            display(Sigma(g, height=450, **_sigma_kwargs(g, color)))

    slider = widgets.IntSlider(
        value=len(ends) - 1, min=0, max=len(ends) - 1, description="period", continuous_update=False
    )
    slider.observe(lambda change: show(change["new"]), names="value")
    show(len(ends) - 1)
    return widgets.VBox([slider, out])
