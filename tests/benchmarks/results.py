"""Where benchmark figures go: merged into var/bench/latest.json."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LATEST = ROOT / "var" / "bench" / "latest.json"


def results_merge(figures: dict, path: Path = LATEST) -> dict:
    """Add `figures` to the JSON file, keeping figures other benchmarks wrote."""
    path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(figures)
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    return current
