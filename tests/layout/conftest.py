from pathlib import Path

import pytest

from tests.courses.conftest import (  # noqa: F401 - shared fixtures
    catalogue,
    make_course,
    make_learner,
    school_class,
    site_root,
    student,
)

HOST_TEMPLATES = Path(__file__).resolve().parent.parent / "host" / "templates"


@pytest.fixture
def host_base(settings):
    """Templates as in a host: its own stock-Wagtail base.html, then our apps."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [HOST_TEMPLATES]},
        *settings.TEMPLATES[1:],
    ]
