import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
# Web requests get the web statement timeout (lms/settings/production.py).
os.environ.setdefault("LMS_PROCESS", "web")

application = get_asgi_application()
