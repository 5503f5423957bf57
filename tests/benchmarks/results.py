"""Where benchmark figures go: merged into var/bench/latest.json.

    .venv/bin/python tests/benchmarks/results.py COMMAND [--fresh]

records the run about to start (`bench_run`: date, git commit, load average,
the command) so a table can cite it; `--fresh` first moves the figures of
earlier runs to latest-previous.json, so every figure is of this run
(lms/scripts/bench.sh does that when it runs every benchmark).
"""

import argparse
import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LATEST = ROOT / "var" / "bench" / "latest.json"
SERVING = ROOT / "var" / "bench" / "serving.json"


def results_merge(figures: dict, path: Path = LATEST) -> dict:
    """Add `figures` to the JSON file, keeping figures other benchmarks wrote."""
    path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(figures)
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    return current


def results_label(label: str, figures: dict, path: Path = SERVING) -> dict:
    """Keep `figures` under `label` (one serving stack's run), beside others."""
    return results_merge({label: {**run_record(), **figures}}, path)


def git_commit() -> str:
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - fixed arguments
            ["git", *args],  # noqa: S607 - git on PATH
            cwd=ROOT,
            capture_output=True,
            text=True,
        )

    commit = git("rev-parse", "--short", "HEAD").stdout.strip() or "unknown"
    # Tracked files only: untracked helpers (a .venv link) change nothing.
    return commit if git("diff", "--quiet", "HEAD").returncode == 0 else commit + "+"


def run_record(command: str = "") -> dict:
    """When and on what a run was made; "+" after the commit: with local edits."""
    record = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": git_commit(),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "cores": os.cpu_count(),
    }
    return {**record, "command": command} if command else record


def main() -> None:
    parser = argparse.ArgumentParser(description="Record the benchmark run.")
    parser.add_argument("command", help="the command as typed")
    parser.add_argument("--database", default="", help="where the figures come from")
    parser.add_argument("--fresh", action="store_true", help="forget earlier figures")
    args = parser.parse_args()
    if args.fresh and LATEST.exists():
        LATEST.replace(LATEST.with_name("latest-previous.json"))
    record = run_record(args.command)
    if args.database:
        record["database"] = args.database
    results_merge({"bench_run": record})
    print(f"    {record}")


if __name__ == "__main__":
    main()
