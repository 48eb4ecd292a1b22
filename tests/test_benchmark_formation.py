"""The formation benchmark script runs end to end on a small forum (no timing asserted)."""

import json

from benchmarks.formation import EFFECTS, main


def test_formation_benchmark_runs(tmp_path):
    out = tmp_path / "formation.json"
    main(["--posts", "3000", "--learners", "500", "--repeats", "1", "--out", str(out)])
    res = json.loads(out.read_text())
    assert res["people"] == 500 + 3  # learners and the (at least 3) instructors
    assert res["rows"] == res["interactions"] * 21
    assert res["converged"] and list(res["estimates"]) == EFFECTS
