import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
# Web requests get the web statement timeout (lms/settings/production.py).
os.environ.setdefault("LMS_PROCESS", "web")

application = get_wsgi_application()
