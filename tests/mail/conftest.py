import socket

import pytest

from tests.courses.conftest import (  # noqa: F401 - shared fixtures
    catalogue,
    make_learner,
    school_class,
    site_root,
    student,
)


@pytest.fixture
def closed_port() -> int:
    """A local TCP port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_down(settings, closed_port):
    """Django's SMTP backend pointed at a closed port, as when the server is down."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port
    settings.EMAIL_TIMEOUT = 2
    return closed_port
