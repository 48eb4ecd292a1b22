"""Every reader on broken input: a ConnectanaError, or Events whose report balances.

Property-based (hypothesis): each reader is given mutations of a small valid file of its own
format — truncated, with bytes flipped, inserted or deleted, re-encoded, emptied, with a
record duplicated — and must either raise a ``ConnectanaError`` naming the file or return a
valid Events table whose ingest report says read = kept + set aside. Never another exception,
never a hang. JSON formats are also given structural mutations: values of the wrong type
(a number for a string, a list for an object), missing keys, timestamps out of range (year
99999, epoch 1e20), parent links that form cycles or point to missing parents, and
duplicated records.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connectana as ca

DATA = Path(__file__).resolve().parent / "data"

# a mutated LRS response may still link a next page: that warning is expected here
pytestmark = [
    pytest.mark.filterwarnings("ignore:the LRS response links more statements"),
    pytest.mark.filterwarnings("ignore:.*have neither timestamp nor stored"),
]

# format -> (seed file under tests/data, reader options)
SEEDS = {
    "table": ("table/posts_bom.csv", {}),
    "table_dates": ("table/edges_cr.csv", {"dayfirst": False, "tz": "UTC"}),
    "moodle_forum": ("moodle/forum_bom.csv", {}),
    "moodle_forum_json": ("moodle/forum.json", {}),
    "moodle_log": ("moodle/log_de.csv", {"tz": "Europe/Berlin"}),
    "canvas_discussion": ("canvas/topic_1234.json", {}),
    "canvas_events": ("canvas/events.jsonl", {}),
    "edx_forum": ("edx/forum.mongo", {}),
    "edx_tracking": ("edx/logs/tracking.log-20240102", {}),
    "discourse": ("discourse/topic.json", {}),
    "wordpress": ("wordpress/traps.xml", {"tz": "Europe/Athens"}),
    "feed": ("wordpress/feeds/atom/comments.atom", {}),
    "xapi": ("xapi/lrs_pages.jsonl", {}),
    "mastodon": ("mastodon/statuses.json", {}),
    # shapes of real exports that once broke a reader (#14, tests/data/SOURCES.md)
    "canvas_events_copy": ("canvas/course_copy_and_graded.jsonl", {}),
    "xapi_logstore": ("xapi/logstore_forum.json", {}),
    "edx_tracking_nul": ("edx/nul_bytes.log", {}),
    "mastodon_single": ("mastodon/status_single.json", {}),
    "mastodon_context": ("mastodon/context.json", {}),
    "wordpress_creator": ("wordpress/creator_typo.xml", {}),
}
_FORMAT_OF = {
    "table_dates": "table",
    "moodle_forum_json": "moodle_forum",
    "canvas_events_copy": "canvas_events",
    "xapi_logstore": "xapi",
    "edx_tracking_nul": "edx_tracking",
    "mastodon_single": "mastodon",
    "mastodon_context": "mastodon",
    "wordpress_creator": "wordpress",
}


def _format(name: str) -> str:
    return _FORMAT_OF.get(name, name)


def _check(path: Path, fmt: str, options: dict, on_error: str) -> None:
    try:
        ev = ca.read_events(path, format=fmt, on_error=on_error, **options)
    except ca.ConnectanaError as err:
        # the message names the file (the path, or an export folder / archive member in it)
        assert isinstance(err, ca.InputError) and err.file, repr(err)
        assert path.name in err.file or str(path) in err.file, repr(err)
        return
    ca.validate_events(ev)
    report = ev.attrs["ingest"]
    assert report.kept == len(ev)
    assert report.balanced, str(report)


@st.composite
def mutations(draw, data: bytes) -> bytes:
    kind = draw(
        st.sampled_from(
            ["truncate", "flip", "insert", "delete", "latin1", "utf16", "empty", "dup", "junk"]
        )
    )
    n = len(data)
    if kind == "truncate":
        return data[: draw(st.integers(0, n))]
    if kind == "flip":
        i = draw(st.integers(0, n - 1))
        return data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1 :]
    if kind == "insert":
        i = draw(st.integers(0, n))
        return data[:i] + draw(st.binary(min_size=1, max_size=8)) + data[i:]
    if kind == "delete":
        i = draw(st.integers(0, n - 1))
        j = draw(st.integers(i, min(n, i + 40)))
        return data[:i] + data[j:]
    if kind == "latin1":
        return data.decode("utf-8", errors="replace").encode("latin-1", errors="replace")
    if kind == "utf16":
        return data.decode("utf-8", errors="replace").encode("utf-16")
    if kind == "empty":
        return b""
    if kind == "dup":
        lines = data.splitlines(keepends=True)
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        return b"".join(lines[: i + 1] + lines[i:])
    return draw(st.binary(max_size=200))


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_reader_survives_mutations(name, tmp_path_factory):
    rel, options = SEEDS[name]
    seed = DATA / rel
    data = seed.read_bytes()
    fmt = _format(name)
    # the unmutated seed reads cleanly
    _check(seed, fmt, options, "raise")

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(mutations(data), st.sampled_from(["raise", "skip"]))
    def run(blob: bytes, on_error: str) -> None:
        folder = tmp_path_factory.mktemp(name)
        path = folder / seed.name
        path.write_bytes(blob)
        _check(path, fmt, options, on_error)

    run()


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    pick=st.integers(0, 50),
    cut=st.integers(0, 400),
    export=st.sampled_from(["export", "legacy_files"]),
)
def test_slack_export_with_a_truncated_file(tmp_path_factory, pick, cut, export):
    src = DATA / "slack" / export
    dst = tmp_path_factory.mktemp("slack") / "export"
    shutil.copytree(src, dst)
    files = sorted(dst.rglob("*.json"))
    target = files[pick % len(files)]
    target.write_bytes(target.read_bytes()[:cut])
    _check(dst, "slack", {}, "skip")
    _check(dst, "slack", {}, "raise")


# --------------------------------------------------------------------------- #
# Structural mutations of JSON inputs
# --------------------------------------------------------------------------- #
JSON_SEEDS = [
    "moodle_forum_json",
    "canvas_discussion",
    "canvas_events",
    "edx_forum",
    "edx_tracking",
    "discourse",
    "xapi",
    "mastodon",
    "canvas_events_copy",
    "xapi_logstore",
    "mastodon_single",
    "mastodon_context",
]
WEIRD = [
    None,
    "",
    0,
    -1,
    2.5,
    1e20,
    10**30,
    True,
    [],
    {},
    [1, 2],
    {"a": 1},
    "x",
    "\u00b2",
    "99999-01-01T00:00:00Z",
    "2424-01-01T00:00:00Z",
    {"$date": 1e20},
    {"$oid": 5},
]
ID_KEYS = ("id", "_id", "post_number", "discussion_entry_id")
PARENT_KEYS = (
    "parent_id",
    "parent",
    "reply_to_post_number",
    "in_reply_to_id",
    "parent_discussion_entry_id",
)


def _load(data: bytes) -> tuple[object, bool]:
    """The JSON of a seed and whether it is JSON lines."""
    text = data.decode("utf-8-sig")
    try:
        return json.loads(text), False
    except json.JSONDecodeError:
        lines = [json.loads(x) for x in text.splitlines() if x.strip() and not x.startswith("#")]
        return lines, True


def _dump(doc: object, lines: bool) -> bytes:
    if lines:
        return ("\n".join(json.dumps(x) for x in doc) + "\n").encode()
    return json.dumps(doc).encode()


def _slots(node: object, out: list) -> list:
    """Every (container, key) of a JSON tree, depth first."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for k, v in items:
        out.append((node, k))
        if isinstance(v, (dict, list)):
            _slots(v, out)
    return out


def _records(node: object, out: list) -> list:
    """Every object carrying an id, depth first."""
    if isinstance(node, dict):
        if any(k in node for k in ID_KEYS):
            out.append(node)
        values = node.values()
    else:
        values = node if isinstance(node, list) else []
    for v in values:
        if isinstance(v, (dict, list)):
            _records(v, out)
    return out


def _record_id(rec: dict) -> object:
    return next(rec[k] for k in ID_KEYS if k in rec)


@st.composite
def json_mutations(draw, data: bytes) -> bytes:
    doc, lines = _load(data)
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["type", "delete", "dup", "cycle", "missing", "self"]))
        if kind in ("type", "delete", "dup"):
            # the fields of records (where readers look) or any value of the tree
            if draw(st.booleans()):
                slots = [(r, k) for r in _records(doc, []) for k in r]
            else:
                slots = _slots(doc, [])
            if not slots:
                continue
            node, key = slots[draw(st.integers(0, len(slots) - 1))]
            if kind == "type":
                node[key] = copy.deepcopy(draw(st.sampled_from(WEIRD)))
            elif kind == "delete":
                del node[key]
            elif isinstance(node, list):
                node.insert(key, copy.deepcopy(node[key]))
            continue
        recs = _records(doc, [])
        if len(recs) < 2:
            continue
        i = draw(st.integers(0, len(recs) - 1))
        j = draw(st.integers(0, len(recs) - 2))
        a, b = recs[i], recs[j + (j >= i)]
        key = next((k for k in PARENT_KEYS if k in a), "parent_id")
        if kind == "cycle":  # a answers b, b answers a
            a[key] = _record_id(b)
            b[next((k for k in PARENT_KEYS if k in b), key)] = _record_id(a)
        elif kind == "self":
            a[key] = _record_id(a)
        else:  # a reply to a parent that is not in the file
            a[key] = 987654321 if isinstance(_record_id(a), int) else "987654321"
    return _dump(doc, lines)


@pytest.mark.parametrize("name", JSON_SEEDS)
def test_reader_survives_structural_mutations(name, tmp_path_factory):
    rel, options = SEEDS[name]
    seed = DATA / rel
    fmt = _format(name)

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(json_mutations(seed.read_bytes()), st.sampled_from(["raise", "skip"]))
    def run(blob: bytes, on_error: str) -> None:
        path = tmp_path_factory.mktemp(name) / seed.name
        path.write_bytes(blob)
        _check(path, fmt, options, on_error)

    run()


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(pick=st.integers(0, 50), blob=st.data())
def test_slack_export_with_structural_mutations(tmp_path_factory, pick, blob):
    dst = tmp_path_factory.mktemp("slack") / "export"
    shutil.copytree(DATA / "slack" / "export", dst)
    files = sorted(dst.rglob("*.json"))
    target = files[pick % len(files)]
    target.write_bytes(blob.draw(json_mutations(target.read_bytes())))
    _check(dst, "slack", {}, "skip")
    _check(dst, "slack", {}, "raise")


# --------------------------------------------------------------------------- #
# Structural mutations of XML inputs
# --------------------------------------------------------------------------- #
XML_TEXTS = [
    "",
    "abc",
    "-1",
    "0",
    "1" * 30,
    "0000-00-00 00:00:00",
    "99999-01-01 00:00:00",
    "2424-01-01 00:00:00",
    "2024-13-45 99:99:99",
    "Mon, 99 Foo 2024",
    "spam",
    "pingback",
]


@st.composite
def xml_mutations(draw, data: bytes) -> bytes:
    """Elements duplicated (records exported twice), deleted, or given odd text."""
    from lxml import etree

    root = etree.fromstring(data)
    for _ in range(draw(st.integers(1, 3))):
        elements = [e for e in root.iter() if e.getparent() is not None]
        if not elements:
            break
        el = elements[draw(st.integers(0, len(elements) - 1))]
        parent = el.getparent()
        kind = draw(st.sampled_from(["dup", "delete", "text"]))
        if kind == "dup":
            parent.insert(parent.index(el) + 1, copy.deepcopy(el))
        elif kind == "delete":
            parent.remove(el)
        elif len(el) == 0:
            el.text = draw(st.sampled_from(XML_TEXTS))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("name", ["wordpress", "feed"])
def test_reader_survives_xml_mutations(name, tmp_path_factory):
    rel, options = SEEDS[name]
    seed = DATA / rel

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(xml_mutations(seed.read_bytes()), st.sampled_from(["raise", "skip"]))
    def run(blob: bytes, on_error: str) -> None:
        path = tmp_path_factory.mktemp(name) / seed.name
        path.write_bytes(blob)
        _check(path, _format(name), options, on_error)

    run()


# --------------------------------------------------------------------------- #
# Every other fixture shape of tests/data, the Moodle backup, in-memory input
# --------------------------------------------------------------------------- #
# (#14 "done when": every fixture shape is mutated; fewer examples each, the shapes are
# small variations of the seeds above)
MORE_SEEDS = {
    "table_index": ("table/lms_index.csv", {"action": "view", "unit": "s"}),
    "table_logstore": (
        "table/logstore_rows.csv",
        {
            "columns": {"actor": "userid", "timestamp": "timecreated", "target": "relateduserid"},
            "unit": "s",
            "action": "view",
        },
    ),
    "moodle_forum_human": ("moodle/forum_human.csv", {"tz": "UTC"}),
    "moodle_forum_for_log": ("moodle/forum_for_log.csv", {}),
    "moodle_log_cr": ("moodle/log_es_cr.csv", {"tz": "UTC"}),
    "moodle_log_positional": ("moodle/log_it_positional.csv", {"tz": "UTC"}),
    "moodle_log_yearless": ("moodle/log_yearless.csv", {"tz": "UTC", "year": 2018}),
    "canvas_groups": ("canvas/group_topics.json", {}),
    "canvas_entries": ("canvas/topic_88_entries.json", {}),
    "discourse_posts": ("discourse/posts.json", {}),
    "edx_bad_field": ("edx/bad_field.log", {}),
    "edx_broken": ("edx/broken.log", {}),
    "edx_gz": ("edx/logs/tracking.log-20240101.gz", {}),
    "mastodon_outbox": ("mastodon/outbox.json", {}),
    "mastodon_archive": ("mastodon/archive_outbox.json", {}),
    "wordpress_wxr10": ("wordpress/wxr10_prefix.xml", {}),
    "feed_rss": ("wordpress/feeds/rss/comments.rss", {}),
    "feed_atom_posts": ("wordpress/feeds/atom/posts.atom", {}),
    "feed_rss_posts": ("wordpress/feeds/rss/posts.rss", {}),
    "xapi_single": ("xapi/single.json", {}),
    "xapi_page1": ("xapi/lrs_page1.json", {}),
    "xapi_no_actor": ("xapi/no_actor.jsonl", {}),
    "xapi_broken": ("xapi/broken.jsonl", {}),
    "xapi_lifecycle": ("xapi/forum_lifecycle.json", {}),
}
_MORE_FORMAT = {
    "table_index": "table",
    "table_logstore": "table",
    "canvas_groups": "canvas_discussion",
    "canvas_entries": "canvas_discussion",
    "discourse_posts": "discourse",
    "mastodon_outbox": "mastodon",
    "mastodon_archive": "mastodon",
    "wordpress_wxr10": "wordpress",
}
_FAST = dict(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _more_format(name: str) -> str:
    if name in _MORE_FORMAT:
        return _MORE_FORMAT[name]
    family = name.split("_")[0]
    if family == "moodle":
        return "moodle_forum" if "forum" in name else "moodle_log"
    return {"edx": "edx_tracking", "feed": "feed", "xapi": "xapi"}[family]


def test_every_fixture_shape_is_mutated():
    """Each reader fixture of tests/data is a seed of these property tests."""
    seeds = {rel for rel, _ in SEEDS.values()} | {rel for rel, _ in MORE_SEEDS.values()}
    families = ("canvas", "discourse", "edx", "mastodon", "moodle", "table", "wordpress", "xapi")
    shapes = {
        p.relative_to(DATA).as_posix()
        for folder in families
        for p in (DATA / folder).rglob("*")
        if p.is_file()
    }
    assert shapes - seeds == set()  # Slack exports: the test_slack_export_* tests


@pytest.mark.parametrize("name", sorted(MORE_SEEDS))
def test_more_shapes_survive_mutations(name, tmp_path_factory):
    rel, options = MORE_SEEDS[name]
    seed = DATA / rel
    fmt = _more_format(name)
    structural = seed.suffix in (".json", ".jsonl", ".mongo", ".log") and not name.endswith(
        "broken"
    )

    @settings(max_examples=12, **_FAST)
    @given(mutations(seed.read_bytes()), st.sampled_from(["raise", "skip"]))
    def run(blob: bytes, on_error: str) -> None:
        path = tmp_path_factory.mktemp(name) / seed.name
        path.write_bytes(blob)
        _check(path, fmt, options, on_error)

    run()
    if structural:

        @settings(max_examples=12, **_FAST)
        @given(json_mutations(seed.read_bytes()), st.sampled_from(["raise", "skip"]))
        def run_json(blob: bytes, on_error: str) -> None:
            path = tmp_path_factory.mktemp(name) / seed.name
            path.write_bytes(blob)
            _check(path, fmt, options, on_error)

        run_json()


# A Moodle course backup: the archive's bytes mutated, and its forum XML mutated inside it
_FORUM_XML = (
    b"<?xml version='1.0' encoding='UTF-8'?><activity moduleid='5'><forum id='1'><discussions>"
    b"<discussion id='9'><posts>"
    b"<post id='1'><parent>0</parent><userid>3</userid><created>1700000000</created>"
    b"<deleted>0</deleted><privatereplyto>$@NULL@$</privatereplyto><message>m</message></post>"
    b"<post id='2'><parent>1</parent><userid>4</userid><created>1700000060</created></post>"
    b"<post id='3'><parent>2</parent><userid>3</userid><created>1700000120</created></post>"
    b"</posts></discussion></discussions></forum></activity>"
)
_ROLES_XML = (
    b"<roles_definition><role id='5'><shortname>student</shortname>"
    b"<archetype>student</archetype></role></roles_definition>"
)
_COURSE_ROLES = (
    b"<roles><role_assignments><assignment id='1'><roleid>5</roleid><userid>4</userid>"
    b"</assignment></role_assignments></roles>"
)


def _mbz(forum: bytes, kind: str = "tgz") -> bytes:
    import io
    import tarfile
    import zipfile

    files = {
        "moodle_backup.xml": b"<moodle_backup/>",
        "roles.xml": _ROLES_XML,
        "course/roles.xml": _COURSE_ROLES,
        "activities/forum_5/forum.xml": forum,
    }
    buf = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(buf, "w") as z:
            for name, data in files.items():
                z.writestr(name, data)
        return buf.getvalue()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _check_memory(value: object, fmt: str, options: dict, on_error: str) -> None:
    """In-memory input: a ConnectanaError naming the in-memory input, or valid Events."""
    try:
        ev = ca.read_events(value, format=fmt, on_error=on_error, **options)
    except ca.ConnectanaError as err:
        assert isinstance(err, ca.InputError) and err.file, repr(err)
        assert err.file.startswith("<in-memory"), repr(err)
        return
    ca.validate_events(ev)
    report = ev.attrs["ingest"]
    assert report.kept == len(ev) and report.balanced, str(report)
    assert report.source.startswith("<in-memory")


def test_moodle_backup_seed_reads():
    ev = ca.read_events(_mbz(_FORUM_XML), format="moodle_backup")
    assert ev[["actor", "role"]].fillna("-").values.tolist() == [
        ["3", "-"],
        ["4", "student"],
        ["3", "-"],
    ]


@settings(max_examples=25, **_FAST)
@given(
    st.sampled_from(["tgz", "zip"]).flatmap(lambda k: mutations(_mbz(_FORUM_XML, k))),
    st.sampled_from(["raise", "skip"]),
)
def test_moodle_backup_survives_byte_mutations(tmp_path_factory, blob, on_error):
    path = tmp_path_factory.mktemp("mbz") / "course.mbz"
    path.write_bytes(blob)
    _check(path, "moodle_backup", {}, on_error)
    _check_memory(blob, "moodle_backup", {}, on_error)


@settings(max_examples=25, **_FAST)
@given(xml_mutations(_FORUM_XML), st.sampled_from(["raise", "skip"]))
def test_moodle_backup_survives_xml_mutations(blob, on_error):
    _check_memory(_mbz(blob), "moodle_backup", {}, on_error)


# In-memory input goes to each format's parse step: the loaded JSON, mutated
_MEMORY_JSON = [
    ("canvas_discussion", "canvas/topic_1234.json", {}),
    ("canvas_events", "canvas/events.jsonl", {}),
    ("discourse", "discourse/topic.json", {}),
    ("edx_forum", "edx/forum.mongo", {}),
    ("edx_tracking", "edx/logs/tracking.log-20240102", {}),
    ("mastodon", "mastodon/context.json", {}),
    ("moodle_forum", "moodle/forum.json", {}),
    ("xapi", "xapi/logstore_forum.json", {}),
]


@pytest.mark.parametrize(("fmt", "rel", "options"), _MEMORY_JSON, ids=[m[0] for m in _MEMORY_JSON])
def test_in_memory_json_survives_structural_mutations(fmt, rel, options):
    data = (DATA / rel).read_bytes()

    @settings(max_examples=15, **_FAST)
    @given(json_mutations(data), st.sampled_from(["raise", "skip"]))
    def run(blob: bytes, on_error: str) -> None:
        value, _ = _load(blob)
        _check_memory(value, fmt, options, on_error)

    run()


@settings(max_examples=25, **_FAST)
@given(json_mutations((DATA / "slack/export/general/2024-03-01.json").read_bytes()), st.data())
def test_in_memory_slack_survives_structural_mutations(blob, data):
    messages, _ = _load(blob)
    users = json.loads((DATA / "slack/export/users.json").read_text())
    shape = data.draw(st.sampled_from(["mapping", "list", "days"]))
    value = {
        "mapping": {"general": messages},
        "list": messages,
        "days": {"general": {"2024-03-01.json": messages}},
    }[shape]
    on_error = data.draw(st.sampled_from(["raise", "skip"]))
    _check_memory(value, "slack", {"users": users}, on_error)


@settings(max_examples=30, **_FAST)
@given(
    st.sampled_from(
        [
            ("table", "table/posts_bom.csv", {}),
            ("moodle_log", "moodle/log_de.csv", {"tz": "Europe/Berlin"}),
            ("moodle_forum", "moodle/forum_bom.csv", {}),
        ]
    ),  # fmt: skip
    st.data(),
)
def test_in_memory_dataframes_survive_mutations(case, data):
    import pandas as pd

    fmt, rel, options = case
    df = pd.read_csv(DATA / rel, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for _ in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(["cell", "drop", "rename", "rows", "empty"]))
        col = df.columns[data.draw(st.integers(0, len(df.columns) - 1))]
        if kind == "cell" and len(df):
            df = df.astype(object)
            row = data.draw(st.integers(0, len(df) - 1))
            df.iat[row, list(df.columns).index(col)] = copy.deepcopy(
                data.draw(st.sampled_from(WEIRD))
            )
        elif kind == "drop":
            df = df.drop(columns=col)
        elif kind == "rename":
            df = df.rename(columns={col: data.draw(st.sampled_from(["", "x", "1", "Time"]))})
        elif kind == "rows":
            df = df.iloc[: data.draw(st.integers(0, len(df)))]
        else:
            df = df.iloc[0:0]
        if len(df.columns) == 0:
            break
    _check_memory(df, fmt, options, data.draw(st.sampled_from(["raise", "skip"])))


@settings(max_examples=25, **_FAST)
@given(
    st.sampled_from(["wordpress/traps.xml", "wordpress/feeds/atom/comments.atom"]).flatmap(
        lambda rel: st.tuples(st.just(rel), xml_mutations((DATA / rel).read_bytes()))
    ),
    st.sampled_from(["raise", "skip"]),
)
def test_in_memory_xml_survives_mutations(case, on_error):
    rel, blob = case
    fmt, options = ("wordpress", {"tz": "Europe/Athens"}) if rel.endswith(".xml") else ("feed", {})
    _check_memory(blob, fmt, options, on_error)


def _zipped(folder: Path) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.rglob("*.json")):
            z.write(f, f"export/{f.relative_to(folder).as_posix()}")
    return buf.getvalue()


@settings(max_examples=25, **_FAST)
@given(mutations(_zipped(DATA / "slack" / "legacy_files")), st.sampled_from(["raise", "skip"]))
def test_slack_zip_survives_byte_mutations(tmp_path_factory, blob, on_error):
    path = tmp_path_factory.mktemp("slackzip") / "export.zip"
    path.write_bytes(blob)
    _check(path, "slack", {}, on_error)
