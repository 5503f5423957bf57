"""Coverage by requests: each access test records the request it made (as a
user property, so it reaches the xdist controller); at the end of the run
every access test that ran must have recorded one, and a run of the whole
access suite must have requested every case × relation × method.

Hooked in from tests/conftest.py.
"""

from __future__ import annotations

ACCESS = "tests/security/access/test_requests.py::test_access"


class RequestLedger:
    def __init__(self):
        self.ran: set[str] = set()
        self.requested: dict[str, str] = {}

    def logreport(self, report) -> None:
        if report.when != "call" or not report.nodeid.startswith(ACCESS):
            return
        self.ran.add(report.nodeid)
        for key, value in report.user_properties:
            if key == "access_request":
                self.requested[report.nodeid] = value

    def problems(self) -> list[str]:
        if not self.ran:
            return []
        problems = [
            f"{nodeid} made no request"
            for nodeid in sorted(self.ran - set(self.requested))
        ]
        from .test_requests import ACCESS_REQUESTS

        if len(self.ran) >= len(ACCESS_REQUESTS):
            missing = ACCESS_REQUESTS - set(self.requested.values())
            problems += [f"never requested: {key}" for key in sorted(missing)]
        return problems
