from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    """The add-on's core: security hooks, setting defaults and system checks.

    Every site using the add-on installs this app (it is first in
    ``lms.addon.APPS``), whichever optional apps it leaves out. It ships the
    shared templates, static files and translations, and one model: the
    outbox of background work (``lms.outbox``).
    """

    name = "lms"
    label = "lms_core"
    verbose_name = _("Learning management")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms import admin_csp, conf, slugs
        from lms.html import clean_html_fields

        from . import checks  # noqa: F401 - registers the system checks

        # Before django-axes reads its settings (its ready() runs after ours).
        conf.apply_defaults()
        # The admin runs no inline script, so its CSP can forbid it.
        admin_csp.install()
        # Page slugs in ASCII, folded from Vietnamese titles.
        slugs.install()
        # Wagtail's site lookup with its SQL compiled once (lms.sqlcache).
        from .middleware import site_lookup_install

        site_lookup_install()
        # Every model's HTML fields are cleaned on save, in this one place.
        pre_save.connect(clean_html_fields, dispatch_uid="lms_clean_html_fields")
        # Statements lms.sqlcache prepared are dropped around migrations.
        from django.db.models.signals import post_migrate, pre_migrate

        from .sqlcache import forget_prepared_statements

        for signal in (pre_migrate, post_migrate):
            signal.connect(
                forget_prepared_statements, dispatch_uid="lms_forget_prepared"
            )
        # Queue workers reconnect after a database restart, job by job.
        from django_tasks.signals import task_finished, task_started

        from .db_faults import fresh_connections_around_jobs

        for signal in (task_started, task_finished):
            signal.connect(
                fresh_connections_around_jobs, dispatch_uid="lms_fresh_connections"
            )
