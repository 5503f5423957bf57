"""lms/scripts/run.sh: the demo's public address follows the address it serves."""

import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "lms" / "scripts"


def _site_url(address: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        ["bash", str(SCRIPTS / "site_url.sh"), address],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("localhost:8080", "http://localhost:8080"),
        ("8001", "http://127.0.0.1:8001"),
    ],
)
def test_site_url_is_the_address_served(address, url):
    assert _site_url(address) == url


def test_every_interface_becomes_an_address_phones_can_reach():
    every_interface = "0.0.0.0"  # noqa: S104 - the address under test
    url = _site_url(f"{every_interface}:9000")
    assert url.startswith("http://") and url.endswith(":9000")
    assert every_interface not in url


def test_run_sets_the_public_address_before_seeding_the_demo():
    script = (SCRIPTS / "run.sh").read_text()
    assert script.index("export LMS_SITE_URL") < script.index("seed_demo")
    assert 'site_url.sh "$ADDR"' in script
