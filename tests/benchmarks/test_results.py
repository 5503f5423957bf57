"""Where the benchmarks' figures are kept (database-free; nothing is timed)."""

import json

from tests.benchmarks import bench_reports
from tests.benchmarks.results import results_label, results_merge, run_record


def test_a_labelled_run_is_kept_beside_the_others(tmp_path):
    path = tmp_path / "serving.json"
    results_label("sync-4", {"learner_mix_rps_per_core": 30.1}, path)
    results_label("gthread-2x4", {"learner_mix_rps_per_core": 35.2}, path)
    results_label("sync-4", {"learner_mix_rps_per_core": 31.0}, path)
    kept = json.loads(path.read_text())
    assert sorted(kept) == ["gthread-2x4", "sync-4"]
    assert kept["sync-4"]["learner_mix_rps_per_core"] == 31.0
    assert {"date", "commit", "load_average_at_start"} <= set(kept["sync-4"])


def test_the_run_record_names_the_command_and_the_commit():
    record = run_record("bash lms/scripts/bench.sh")
    assert record["command"] == "bash lms/scripts/bench.sh"
    assert record["commit"] and record["commit"] != "unknown"
    assert len(record["load_average_at_start"]) == 3


def test_merging_keeps_other_benchmarks_figures(tmp_path):
    path = tmp_path / "latest.json"
    results_merge({"report_school_seconds": 0.1}, path)
    results_merge({"load_p95_ms": 250}, path)
    assert json.loads(path.read_text()) == {
        "load_p95_ms": 250,
        "report_school_seconds": 0.1,
    }


def test_the_seed_time_is_reported_again_by_later_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_reports, "SEED_RECORDS", tmp_path / "seed_scale.json")
    assert "seed_scale_seconds" not in bench_reports.seed_record("lms_reports", {})
    seeded = bench_reports.seed_record("lms_reports", {"seed_scale_seconds": 290.5})
    later = bench_reports.seed_record("lms_reports", {})
    assert seeded["seed_scale_measured"]["in_this_run"] is True
    assert later["seed_scale_seconds"] == 290.5
    assert later["seed_scale_measured"]["in_this_run"] is False
    assert later["seed_scale_measured"]["date"] == seeded["seed_scale_measured"]["date"]
    assert "seed_scale_seconds" not in bench_reports.seed_record("other_db", {})
