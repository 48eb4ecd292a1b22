"""The command line's --extract and --url-query (connectana.cli, connectana.extract)."""

from __future__ import annotations

import pandas as pd
import pytest

import connectana as ca
from connectana.cli import main
from connectana.datasets import sample_path

FORUM = str(sample_path("moodle_forum_export.csv"))


@pytest.fixture(scope="module")
def forum_resources() -> pd.DataFrame:
    ev = ca.read_events(FORUM, format="moodle_forum", extract=("urls", "hashtags"))
    return ev


@pytest.mark.parametrize(
    ("argv", "option", "words"),
    [
        (["--extract", "urls,bogus"], "--extract", "give some of urls,hashtags,files"),
        (["--extract", ","], "--extract", "give some of"),
        (["--url-query"], "--url-query", "give it with --extract urls"),
        (["--extract", "hashtags", "--url-query"], "--url-query", "give it with --extract urls"),
        (["--ties", "resource", "--extract", "urls"], "--ties", "'resource' is two-mode"),
    ],
)
def test_bad_extract_options_stop_before_reading(tmp_path, capsys, argv, option, words):
    out = tmp_path / "r"
    code = main(["report", FORUM, "--format", "moodle_forum", "--out", str(out), *argv])
    assert code == 2
    err = capsys.readouterr().err
    assert f"connectana: error: {option}: " in err and words in err
    assert not out.exists()  # nothing read, nothing written


def test_report_with_extract_shows_what_travelled(tmp_path, capsys, forum_resources):
    d = ca.resource_diffusion(forum_resources).resources
    n, taken = len(d), int((d["adopters"] > 0).sum())
    assert (n, taken) == (43, 28)  # the sample course's forum (datasets/resources.py plants them)
    out = tmp_path / "r"
    assert main(["report", FORUM, "--format", "moodle_forum", "--extract", "urls,hashtags",
                 "--out", str(out)]) == 0  # fmt: skip
    page = (out / "report.html").read_text()
    assert "What travelled through the network?" in page
    assert f"{n} links, hashtags and files were shared; {taken} of them" in page
    assert main(["report", FORUM, "--format", "moodle_forum", "--out", str(tmp_path / "p")]) == 0
    assert "What travelled through the network?" not in (tmp_path / "p" / "report.html").read_text()


def test_export_resource_network_with_extract(tmp_path, forum_resources):
    net = ca.build_network(forum_resources, "resource")
    out = tmp_path / "e"
    argv = ["export", FORUM, "--format", "moodle_forum", "--ties", "resource", "--to", "csv"]
    assert main([*argv, "--extract", "urls,hashtags", "--names", "--out", str(out)]) == 0
    nodes = pd.read_csv(out / "nodes.csv")
    edges = pd.read_csv(out / "edges.csv")
    resources = nodes.loc[nodes["kind"] != "person", "node"]
    assert sorted(resources) == sorted(net.nodes.index[net.nodes["kind"] != "person"])
    assert len(resources) == 43 and len(edges) == len(net.edges)
    assert int(edges["weight"].sum()) == int(net.edges["weight"].sum())
    # without --extract the events have no resources: an error naming the option
    assert main([*argv, "--names", "--out", str(tmp_path / "f")]) == 2


def test_url_query_keeps_queries_minus_trackers(tmp_path):
    out = tmp_path / "e.parquet"
    argv = ["ingest", FORUM, "--format", "moodle_forum", "--names", "--out", str(out)]
    assert main([*argv, "--extract", "urls", "--url-query"]) == 0
    kept = ca.resources(pd.read_parquet(out), mentions=False)
    assert main([*argv, "--extract", "urls"]) == 0
    dropped = ca.resources(pd.read_parquet(out), mentions=False)
    assert len(kept) == len(dropped) == 153
    with_query = kept["resource"].str.contains("?", regex=False)
    # the simulator writes ?ref=feed (kept) and utm_ trackers (always removed)
    assert with_query.sum() > 0 and not kept["resource"].str.contains("utm_").any()
    # without --url-query no query is left but YouTube's video id (urls.CONTENT_PARAMETERS)
    youtube = dropped["resource"].str.startswith("https://youtube.com/").to_numpy()
    assert dropped["resource"][youtube].str.contains("?v=", regex=False).all() and youtube.any()
    assert not dropped["resource"][~youtube].str.contains("?", regex=False).any()
    stripped = kept["resource"][~youtube].str.replace(r"\?.*$", "", regex=True)
    assert stripped.tolist() == dropped["resource"][~youtube].tolist()
