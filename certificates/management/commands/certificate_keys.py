from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ... import keystore, signing
from ...models import SigningKey


class Command(BaseCommand):
    help = _(
        "Create the certificate signing keys (--init) or give a school a new "
        "signing key (--rotate --school CODE). Private keys are stored sealed "
        "with LMS_CERTIFICATE_KEY_PASSPHRASE."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--init",
            action="store_true",
            help=_("Create the root and time-stamping keys if missing."),
        )
        action.add_argument(
            "--rotate",
            action="store_true",
            help=_("Retire the school's signing key and make a new one."),
        )
        action.add_argument(
            "--list",
            dest="show",
            action="store_true",
            help=_("List the keys (no secrets)."),
        )
        parser.add_argument("--school", help=_("The school's code."))

    def handle(self, *args, init, rotate, show, school=None, **options):
        if not keystore.passphrase_is_configured():
            self.stderr.write(
                _(
                    "Warning: LMS_CERTIFICATE_KEY_PASSPHRASE is not set; keys "
                    "are sealed with a passphrase derived from SECRET_KEY."
                )
            )
        if init:
            signing.keys_init()
            if school:
                signing.school_key_ensure(school)
        elif rotate:
            if not school:
                raise CommandError(_("Name the school: --rotate --school CODE."))
            signing.key_rotate(school_code=school)
        for key in SigningKey.objects.all():
            subject = signing.certificate_subject(key.certificate_pem)
            state = _("retired") if key.retired_at else _("active")
            self.stdout.write(
                f"{key.get_kind_display()}\t{key.school_code or '-'}\t{state}\t"
                f"{key.created_at:%Y-%m-%d}\t{subject}"
            )
