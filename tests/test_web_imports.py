"""A web process holds only what serving pages needs (issue 19: memory per worker).

PDF rendering and signing, badge proofs and workbooks run in task workers or
on the few pages that use them; their libraries are imported there, so a
gunicorn worker that only serves learners never loads them.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Each of these weighs megabytes once imported (measured: WeasyPrint 31 MB,
# pyHanko 29, openpyxl 13, PyLD 10, the X.509 part of cryptography 8).
HEAVY = [
    "weasyprint",
    "pydyf",
    "fontTools",
    "pyhanko",
    "pypdf",
    "openpyxl",
    "pyld",
    "asn1crypto",
    "cryptography.x509",
    "cryptography.hazmat.primitives",
]

SCRIPT = """
import json, sys
from lms.wsgi import application
from django.urls import get_resolver
get_resolver().url_patterns  # every app's URLconf and views, as a request loads them
print(json.dumps(sorted(sys.modules)))
"""


def test_a_web_process_does_not_import_the_pdf_signing_badge_or_workbook_libraries():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "test-only-key",
        "ALLOWED_HOSTS": "testserver",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    loaded = [
        name
        for name in HEAVY
        if any(m == name or m.startswith(name + ".") for m in modules)
    ]
    assert loaded == []
