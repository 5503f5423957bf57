"""lms/gunicorn.conf.py: the settings docs/deployment.md and the load test use."""

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[1] / "lms" / "gunicorn.conf.py"


def settings():
    return runpy.run_path(str(CONF))


def test_gunicorn_accepts_every_setting_in_the_file():
    config = Config()
    for name, value in settings().items():
        if name in config.settings:
            config.set(name, value)
    assert config.preload_app is True
    assert config.max_requests > 0
    assert config.max_requests_jitter > 0
    assert callable(config.when_ready) and callable(config.post_request)


def test_master_drops_its_connections_and_freezes_what_it_loaded():
    server = SimpleNamespace(cfg=SimpleNamespace(preload_app=True))
    with mock.patch("django.db.connections.close_all") as close_all:
        try:
            settings()["when_ready"](server)
            assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()
    close_all.assert_called_once()


def test_without_preload_the_master_has_nothing_to_freeze():
    server = SimpleNamespace(cfg=SimpleNamespace(preload_app=False))
    with mock.patch("django.db.connections.close_all") as close_all:
        settings()["when_ready"](server)
    close_all.assert_not_called()
    assert gc.get_freeze_count() == 0


def test_each_request_gives_the_free_heap_back():
    with mock.patch("lms.people.hashers.work_area_release") as release:
        settings()["post_request"](None, None, {}, None)
    release.assert_called_once()
