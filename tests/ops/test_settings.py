"""Database settings: the optional read replica and the router."""

import runpy
from pathlib import Path

import pytest

import lms.settings

BASE_SETTINGS = Path(lms.settings.__file__).with_name("base.py")


@pytest.mark.parametrize(
    ("env", "replica_name"),
    [
        ({}, None),
        ({"DATABASE_REPLICA_URL": "postgres://ro:pw@replica:5432/lms"}, "lms"),
    ],
)
def test_settings_add_the_replica_only_when_its_url_is_set(
    monkeypatch, env, replica_name
):
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    base = runpy.run_path(str(BASE_SETTINGS))
    assert base["DATABASE_ROUTERS"] == ["lms.db_router.ReplicaRouter"]
    if replica_name is None:
        assert "replica" not in base["DATABASES"]
        assert base["LMS_REPLICA_DATABASE"] is None
    else:
        assert base["DATABASES"]["replica"]["NAME"] == replica_name
        assert base["DATABASES"]["replica"]["HOST"] == "replica"
        assert base["DATABASES"]["replica"]["TEST"] == {"MIRROR": "default"}
        assert base["LMS_REPLICA_DATABASE"] == "replica"
