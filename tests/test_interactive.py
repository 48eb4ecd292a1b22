"""The interactive view: attributes on hover, pseudonyms, time, HTML export."""

from __future__ import annotations

import pandas as pd
import pytest

import connectana as ca
from connectana.interactive import sigma_graph
from connectana.privacy import pseudonym_map

T0 = pd.Timestamp("2026-01-12T09:00Z")  # a Monday


@pytest.fixture
def net():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["ann", "bob", "cat"],
                "target": ["bob", "ann", "ann"],
                "timestamp": [T0, T0 + pd.Timedelta(days=1), T0 + pd.Timedelta(days=8)],
            }
        )
    )
    people = ca.make_people(
        pd.DataFrame(
            {
                "person": ["ann", "bob", "cat", "dan"],
                "role": ["instructor", "student", "student", "student"],
                "display_name": ["Ann Smith", "Bob Jones", "Cat Lee", "Dan Wu"],
            }
        )
    )
    return ca.build_network(ev, people=people)


def test_sigma_graph_attributes(net):
    membership = pd.Series([0, 0, 1, 2], index=net.nodes.index)
    g = sigma_graph(net, membership=membership, key=b"k", course_start="2026-01-12T00:00Z")
    p = pseudonym_map(["ann", "bob", "cat", "dan"], key=b"k", prefix="S-", length=4)
    assert set(g.nodes) == set(p.values())
    ann = g.nodes[p["ann"]]
    assert ann["role"] == "instructor" and ann["community"] == "0"
    assert ann["first_active"] == "week 01" and ann["size"] == 3.0  # in 2 + out 1
    assert g.nodes[p["cat"]]["first_active"] == "week 02"
    assert g.nodes[p["dan"]]["first_active"] == "never"
    assert g.edges[p["cat"], p["ann"]]["formed"] == "week 02"
    assert g.edges[p["ann"], p["bob"]]["weight"] == 1.0


def test_names_only_when_asked(net):
    g = sigma_graph(net, labels="names", key=b"k")
    assert set(g.nodes) == {"Ann Smith", "Bob Jones", "Cat Lee", "Dan Wu"}


def test_write_html_has_no_ids_or_names(net, tmp_path):
    pytest.importorskip("ipysigma")
    from connectana.interactive import write_html

    path = write_html(net, tmp_path / "view.html", key=b"k")
    text = path.read_text(encoding="utf-8")
    for secret in ("Ann Smith", "Bob Jones", '"ann"', '"bob"'):
        assert secret not in text
    assert pseudonym_map(["ann"], key=b"k", prefix="S-", length=4)["ann"] in text


def test_widgets(net):
    pytest.importorskip("ipysigma")
    pytest.importorskip("ipywidgets")
    from connectana.interactive import interactive, time_slider

    w = interactive(net, key=b"k", color="role")
    assert type(w).__name__ == "Sigma"
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["ann", "bob"],
                "target": ["bob", "ann"],
                "timestamp": [T0, T0 + pd.Timedelta(days=8)],
            }
        )
    )
    box = time_slider(ev, key=b"k")
    slider = box.children[0]
    assert (slider.min, slider.max, slider.value) == (0, 1, 1)


def test_write_html_holds_only_its_own_view(net, tmp_path):
    # issue #15: the export embedded every live widget of the process, so a
    # pseudonymised file written after a names view carried the names
    pytest.importorskip("ipysigma")
    import json
    import re

    from connectana.interactive import interactive, write_html

    names_view = interactive(net, labels="names", key=b"k")  # alive in this process
    path = write_html(net, tmp_path / "view.html", key=b"k")
    text = path.read_text(encoding="utf-8")
    for secret in ("Ann Smith", "Bob Jones", "Cat Lee", "Dan Wu"):
        assert secret not in text
    blocks = re.findall(r"<script type='application/json' id='connectana-view-state'>(.*?)</script>",
                        text, re.S)  # fmt: skip
    assert len(blocks) == 1
    state = json.loads(blocks[0].replace("<\\/", "</"))
    assert state["_model_name"] == "SigmaModel"
    labels = {n["attributes"]["label"] for n in state["data"]["nodes"]}
    assert labels == set(pseudonym_map(["ann", "bob", "cat", "dan"], key=b"k", prefix="S-",
                                       length=4).values())  # fmt: skip
    names_view.close()


def test_write_html_is_self_contained_and_renders_offline(net, tmp_path, chromium):
    """No script from the network; the view draws in headless Chromium with every
    host unresolvable (issue #15: the file loaded require.js, the widget manager
    and ipysigma from CDNs, so offline it showed nothing)."""
    import re

    pytest.importorskip("ipysigma")
    from connectana.interactive import write_html

    path = write_html(net, tmp_path / "view.html", key=b"k")
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", text) and "<link" not in text
    assert "cdn.jsdelivr" not in text and "cdnjs" not in text and "unpkg.com" not in text
    driver = chromium(
        "--use-gl=swiftshader",
        "--enable-unsafe-swiftshader",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: no host resolves
        "--proxy-server=http://127.0.0.1:9",
        window_size=(1000, 700),
    )
    driver.get(path.as_uri())
    driver.implicitly_wait(5)
    canvases = driver.execute_script(
        "return document.querySelectorAll('#connectana-view canvas').length"
    )
    assert canvases > 0
    shown = driver.execute_script("return document.getElementById('connectana-view').innerText")
    assert "4 nodes" in shown and "3 edges" in shown
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    driver.save_screenshot(str(tmp_path / "view.png"))
