"""lms.addon fits a site made by `wagtail start`."""

import ast
from pathlib import Path

import wagtail
from django.apps import AppConfig
from django.test import override_settings

import lms.addon
from lms import checks

TEMPLATE_SETTINGS = (
    Path(wagtail.__file__).parent / "project_template/project_name/settings/base.py"
)


def stock_setting(name: str) -> list[str]:
    """A list setting of Wagtail's project template, as `wagtail start` writes it."""
    tree = ast.parse(TEMPLATE_SETTINGS.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == name:
            return ast.literal_eval(node.value)
    raise LookupError(name)


def label(entry: str) -> str:
    return AppConfig.create(entry).label


def test_our_apps_list_no_app_a_stock_site_already_has():
    stock_labels = {label(entry) for entry in stock_setting("INSTALLED_APPS")
                    if entry not in {"home", "search"}}  # fmt: skip
    ours = [label(entry) for entry in lms.addon.APPS]

    assert len(set(ours)) == len(ours)
    assert not stock_labels & set(ours)


def test_our_middleware_appended_to_the_stock_list_passes_the_checks():
    middleware = [*stock_setting("MIDDLEWARE"), *lms.addon.MIDDLEWARE]

    with override_settings(MIDDLEWARE=middleware):
        assert checks.check_middleware() == []


def test_the_standalone_site_is_built_from_the_addon_lists(settings):
    assert settings.INSTALLED_APPS[: len(lms.addon.APPS)] == lms.addon.APPS
    assert settings.MIDDLEWARE[-len(lms.addon.MIDDLEWARE) :] == lms.addon.MIDDLEWARE


def test_security_hooks_live_in_the_core_app_not_the_optional_home_app():
    from django.db.models.signals import pre_save

    from lms.home.apps import HomeConfig

    assert "ready" not in vars(HomeConfig)
    assert any(
        key[0] == "lms_clean_html_fields"
        for key, _receiver, *rest in pre_save.receivers
    )
