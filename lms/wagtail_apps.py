"""Wagtail's apps without their API v3 registrations (issue 19: memory per worker).

Wagtail 8 registers the content types and routers of images, documents,
snippets and redirects with its API v3 (django-ninja and pydantic schemas
built at startup) in each app's `ready()`, whether or not the API is
installed. This site does not install `wagtail.api.v3` nor route to it, so
the schemas were about 10 MB of every web and task process for nothing.

These configs run Wagtail's own `ready()` with the API v3 modules it imports
there replaced, for that call only, by stand-ins that register nothing.
Everything else `ready()` does (permissions, signal handlers, form widgets,
reference index) is Wagtail's code, unchanged. With `wagtail.api.v3`
installed they are Wagtail's apps as they are.
"""

import sys
import types
from contextlib import contextmanager

from django.apps import apps
from wagtail.contrib.redirects.apps import WagtailRedirectsAppConfig
from wagtail.documents.apps import WagtailDocsAppConfig
from wagtail.images.apps import WagtailImagesAppConfig
from wagtail.snippets.apps import WagtailSnippetsAppConfig


class _NoAPI:
    def add_router(self, *args, **kwargs):
        pass


def _nothing(*args, **kwargs):
    pass


@contextmanager
def api_v3_left_out(app_name: str):
    """`app_name`'s API v3 modules and Wagtail's API object, as stand-ins."""
    stand_ins = {
        "wagtail.api.v3.api": {"api": _NoAPI()},
        f"{app_name}.api.v3": {"router": None, "register_content_types": _nothing},
        f"{app_name}.api.v3.registry": {"register_content_types": _nothing},
        f"{app_name}.api.v3.router": {"router": None},
    }
    saved = {name: sys.modules.get(name) for name in stand_ins}
    for name, attributes in stand_ins.items():
        module = types.ModuleType(name)
        module.__dict__.update(attributes)
        sys.modules[name] = module
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


class WithoutAPIv3:
    def ready(self):
        if apps.is_installed("wagtail.api.v3"):
            super().ready()
            return
        with api_v3_left_out(self.name):
            super().ready()


class ImagesConfig(WithoutAPIv3, WagtailImagesAppConfig):
    pass


class DocumentsConfig(WithoutAPIv3, WagtailDocsAppConfig):
    pass


class SnippetsConfig(WithoutAPIv3, WagtailSnippetsAppConfig):
    pass


class RedirectsConfig(WithoutAPIv3, WagtailRedirectsAppConfig):
    pass
