"""The instructor report: self-contained, pseudonymised, deterministic, renders in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import connectana as ca
from connectana.datasets import COURSE_START
from connectana.privacy import pseudonym_map
from connectana.report import write_report

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
KEY = b"report-test-key"


@pytest.fixture(scope="module")
def course():
    ev = ca.read_events(SAMPLE / "forum_posts.csv")
    people = ca.read_people(SAMPLE / "roster.csv")
    return ev, people


@pytest.fixture(scope="module")
def report(course, tmp_path_factory):
    ev, people = course
    out = tmp_path_factory.mktemp("report")
    return write_report(ev, out, people=people, key=KEY, start=COURSE_START, suppress_k=3)


def _text(path: Path) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", path.read_text(encoding="utf-8"))


def test_report_is_self_contained(report):
    html = report.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 5
    # no external resource of any kind
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<script" not in html
    for heading in (
        "What kind of network is this?",
        "Who is isolated?",
        "How did the network grow?",
        "Is everything going through the staff?",
        "Which groups formed?",
        "Peer engagement, per student",
        "Method",
    ):
        assert heading in html


def test_report_states_the_facts_in_plain_words(report, course):
    ev, people = course
    text = _text(report)
    assert "<b>70</b> people took part (of <b>84</b> on the roster)" in text
    assert "<b>978</b> interactions formed <b>642</b> distinct ties" in text
    net = ca.build_network(ev, people=people)
    label = ca.network_pattern(net)["label"]
    assert f"<span class='label'>{label}</span>" in text
    assert "reply: a tie goes from the author of an answer" in text
    assert "course weeks from 2026-01-12" in text and "k = 3" in text


def test_report_shows_pseudonyms_only(report, course):
    ev, people = course
    text = _text(report) + (report.parent / "engagement.csv").read_text()
    text += (report.parent / "isolated.csv").read_text()
    ids = set(people.index) | set(ev["actor"])
    # the style of every file of the folder (nodes.csv of the command line): P- + 8 hex
    labels = pseudonym_map(ca.build_network(ev, people=people).nodes.index, key=KEY)
    isolated = ca.isolated_learners(ca.build_network(ev, people=people), ev)
    for person in isolated["person"]:
        assert labels[person] in text
    for person in ids:
        assert not re.search(rf"\b{re.escape(person)}\b", text), person
    for name in people["display_name"]:
        assert name not in text


def test_isolated_learners_all_in_the_csv_first_ones_in_the_page(
    course, report, tmp_path, monkeypatch
):
    ev, people = course
    net = ca.build_network(ev, people=people)
    isolated = ca.isolated_learners(net, ev)
    table = pd.read_csv(report.parent / "isolated.csv")
    assert len(table) == len(isolated) > 5
    labels = pseudonym_map(net.nodes.index, key=KEY)
    assert table["person"].tolist() == [labels[p] for p in isolated["person"].astype(str)]
    assert table["reason"].tolist() == isolated["reason"].tolist()
    assert "They are also in <code>isolated.csv</code>" in _text(report)
    # a MOOC's hundreds of isolated learners: the page shows the first ones only
    import connectana.report as rep

    monkeypatch.setattr(rep, "ISOLATED_ROWS", 5)
    small = write_report(ev, tmp_path, people=people, key=KEY, start=COURSE_START)
    text = _text(small)
    assert f"The first 5 of {len(isolated)} are shown" in text
    section = text.split("id='isolated'", 1)[1].split("<h2", 1)[0]
    shown = [lab for lab in table["person"] if lab in section]
    assert shown == table["person"].head(5).tolist()


def test_headline_counts_every_learner_never_answered(report, course):
    ev, people = course
    isolated = ca.isolated_learners(ca.build_network(ev, people=people), ev)
    posted = isolated[isolated["posts"] > 0]
    # three learners posted 3, 9 and 7 times with no answer (no ties), one answered others
    assert sorted(posted.loc[posted["reason"] == "no ties", "posts"]) == [3, 7, 9]
    assert len(posted) == 4
    text = _text(report)
    assert "<b>4</b> learners posted but were never answered" in text
    assert "<b>14</b> never posted at all" in text and "<b>17</b> learners have no tie" in text


def test_staff_share_is_one_named_number_with_words(report, course):
    ev, people = course
    pattern = ca.network_pattern(ca.build_network(ev, people=people))
    share = pattern["staff_interaction_share"]
    text = _text(report)
    assert f"<b>{100 * share:.0f}%</b> of all interactions" in text
    assert "<code>staff_interaction_share</code>" in text
    assert "instructor or a TA at either end" in text
    # the staff table names every share and says what it is
    for row in ("staff_tie_share", "staff_interaction_share"):  # renamed by #13
        assert f"<td class='t'>{row}</td>" in text.replace("_<wbr>", "_")


def test_glossary_explains_every_engagement_column(report):
    text = _text(report).replace("_<wbr>", "_")
    section = text.split("Peer engagement, per student", 1)[1].split("<h2", 1)[0]
    header = re.findall(
        r"<th[^>]*>([^<]*)</th>", section.split("<table", 1)[1].split("</tr>", 1)[0]
    )
    glossary = text.split("<h3>Engagement indicators</h3>", 1)[1]
    assert "active_periods" in header
    for column in header[1:]:
        assert f"<td class='t'>{column}</td>" in glossary, column


def test_write_report_builds_the_network_once(course, tmp_path, monkeypatch):
    import connectana.analysis as analysis

    ev, people = course
    calls = []
    real = analysis.build_network

    def counting(*args, **kwargs):
        calls.append(args[1] if len(args) > 1 else kwargs.get("ties"))
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "build_network", counting)
    write_report(ev, tmp_path, people=people, key=KEY, start=COURSE_START)
    assert calls == ["reply"]


def test_report_is_byte_identical_for_the_same_inputs(course, report, tmp_path):
    ev, people = course
    again = write_report(ev, tmp_path, people=people, key=KEY, start=COURSE_START, suppress_k=3)
    assert again.read_bytes() == report.read_bytes()


def test_opt_outs_are_removed_and_counted(course, tmp_path):
    ev, people = course
    path = write_report(ev, tmp_path, people=people, key=KEY, exclude=["s001", "s002"])
    text = _text(path)
    assert "2 people opted out and are not included" in text
    eng = pd.read_csv(tmp_path / "engagement.csv")
    gone = pseudonym_map(["s001", "s002"], key=KEY).values()
    assert not set(gone) & set(eng["person"])


def test_report_renders_in_headless_chromium(report, chromium):
    driver = chromium(
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        window_size=(1100, 2000),
    )
    driver.get(report.as_uri())
    assert driver.title == "Learning network report"
    widths = driver.execute_script(
        "return Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)"
    )
    assert len(widths) == 5 and min(widths) > 300
    tables = driver.execute_script("return document.querySelectorAll('table').length")
    assert tables >= 6
    height = driver.execute_script("return document.body.scrollHeight")
    assert height > 3000
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    driver.save_screenshot(str(report.parent / "screenshot.png"))
    # at 800 px nothing is wider than the page (tables wrap their headers)
    driver.set_window_size(800, 2000)
    overflow = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], overflow


def _cells(row_html: str) -> list[str]:
    """The text of each cell of a table row, tags removed."""
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html)]


def test_student_table_has_the_evidence_sheets_intervals_and_caveats(report, course):
    """Each student's numbers in the evidence sheet's words, with its intervals (same seed,
    200 replicates) and caveats; what the log cannot support above the table."""
    from connectana.metrics.evidence import evidence_sheet
    from connectana.report import interval_words

    ev, people = course
    sheet = evidence_sheet(ev, people=people, n_boot=200, seed=0, stability=False, names=True)
    sheet = sheet.set_index("person")
    labels = pseudonym_map(ca.build_network(ev, people=people).nodes.index, key=KEY)
    text = _text(report)
    section = text.split("Peer engagement, per student", 1)[1].split("<h2", 1)[0]
    cannot = section.split("<h3>What this log cannot support</h3>", 1)[1].split("<table", 1)[0]
    assert sheet.attrs["completeness"] == [
        "views: not computed — the log has no view events (listening is not recorded)"
    ]
    assert f"<li>{sheet.attrs['completeness'][0]}</li>" in cannot
    rows = section.split("<table", 1)[1].split("<tr")[2:]  # after the header
    by_label = {}
    for row in rows:  # one row per student: the caveats are its last cell
        cells = _cells(row)
        by_label[cells[0]] = (cells, cells[-1])
    assert len(by_label) == 40
    top = sheet.sort_values(["posts", "replies_given"], ascending=False, kind="stable")
    checked = 0
    for person, r in top.iterrows():
        cells, note = by_label[labels[person]]
        if r["posts"] < 3:  # suppressed (k = 3): no value and no interval
            continue
        # posts, replies_given, learner_replies_received, learner_peers: value and interval
        for i, col in enumerate(
            ["posts", "replies_given", "learner_replies_received", "learner_peers"], start=1
        ):
            if r[col] >= 3:
                expected = interval_words(r[col], r[f"{col}_ci_low"], r[f"{col}_ci_high"])
                assert cells[i] == expected, (person, col, cells[i], expected)
        assert cells[6] == interval_words(
            r["answered_share"], r["answered_share_ci_low"], r["answered_share_ci_high"]
        )
        assert note == r["caveats"]
        checked += 1
        if checked == 40:
            break
    assert checked >= 30
    # a known row, by hand: the top student posted 87 times
    first = by_label[labels[top.index[0]]][0]
    assert first[1].startswith("87 (95 % interval ") and int(top["posts"].iloc[0]) == 87
    # some students carry caveats (late joining, never answered)
    assert sum(bool(note) for _, note in by_label.values()) >= 10


def test_interval_words():
    from connectana.report import interval_words

    assert interval_words(30, 16.975, 44.0) == "30 (95 % interval 17–44)"
    assert interval_words(0.5667, 0.382, 0.734, level=0.9) == "0.567 (90 % interval 0.382–0.734)"
    assert interval_words(float("nan"), 1, 2) == "–"
    assert interval_words(4, None, 7) == "4"


def test_intervals_can_be_left_out(course, tmp_path):
    ev, people = course
    path = write_report(ev, tmp_path, people=people, key=KEY, start=COURSE_START, intervals=False)
    text = _text(path)
    assert "Intervals were not computed for this report" in text
    assert "95 % interval" not in text and "<th class='t'>caveats</th>" not in text
    # what the log cannot support is said all the same
    assert "views: not computed" in text
