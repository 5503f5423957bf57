"""Certificate templates, the certificate ledger, its audit log and bulk batches.

A certificate is a permanent record: once issued, its PDF, hash and snapshot
never change. Correcting anything means issuing a new certificate that
replaces the old one.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, PreviewableMixin

from courses.models import Audience, CourseCompletion, CoursePage
from lms.people.models import School, SchoolClass, SchoolYear

HEX_COLOUR = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, e.g. #8b0000.")
)


class PageSize(models.TextChoices):
    A4 = "A4", "A4"
    A5 = "A5", "A5"
    LETTER = "letter", "Letter"


class Orientation(models.TextChoices):
    LANDSCAPE = "landscape", _("Landscape")
    PORTRAIT = "portrait", _("Portrait")


PLACEHOLDERS = (
    "name",
    "course",
    "completion_date",
    "school",
    "school_year",
    "serial",
    "score",
)
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")


def validate_placeholders(value: str) -> None:
    unknown = sorted(set(PLACEHOLDER_RE.findall(value)) - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            _("Unknown placeholder(s): %(names)s. Use: %(allowed)s."),
            params={
                "names": ", ".join(unknown),
                "allowed": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
        )


class CertificateTemplate(PreviewableMixin, ClusterableModel):
    """How a certificate looks. Editing it never changes certificates issued."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    # Who owns the template: one school, or (empty) the Department's library.
    school = models.ForeignKey(
        "lms_people.School",
        verbose_name=_("owner school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificate_templates",
        help_text=_("Empty: the Department's shared library."),
    )
    page_size = models.CharField(
        _("page size"), max_length=8, choices=PageSize.choices, default=PageSize.A4
    )
    orientation = models.CharField(
        _("orientation"),
        max_length=10,
        choices=Orientation.choices,
        default=Orientation.LANDSCAPE,
    )
    issuer_line_1 = models.CharField(
        _("issuing body"),
        max_length=150,
        blank=True,
        help_text=_("Top-left line, e.g. SỞ GIÁO DỤC VÀ ĐÀO TẠO."),
    )
    issuer_line_2 = models.CharField(
        _("issuing unit"),
        max_length=150,
        blank=True,
        help_text=_("Second line; leave empty to print the holder's school."),
    )
    national_header = models.BooleanField(
        _("national motto"),
        default=True,
        help_text=_(
            "Print „CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc”."
        ),
    )
    title = models.CharField(_("title"), max_length=150, default="GIẤY CHỨNG NHẬN")
    body = models.TextField(
        _("body"),
        validators=[validate_placeholders],
        help_text=_(
            "Plain text; a blank line starts a new paragraph. Placeholders: {name}, "
            "{course}, {completion_date}, {school}, {school_year}, {serial}, {score}."
        ),
    )
    place = models.CharField(
        _("place"),
        max_length=80,
        default="TP. Hồ Chí Minh",
        help_text=_(
            "Printed before the date: „TP. Hồ Chí Minh, ngày … tháng … năm …”."
        ),
    )
    background_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("background image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#8b0000", validators=[HEX_COLOUR]
    )
    extra_css = models.TextField(
        _("extra CSS"),
        blank=True,
        help_text=_(
            "Styling only. Remote addresses (url(), @import) are removed before "
            "rendering."
        ),
    )
    show_score = models.BooleanField(_("print the score"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("page_size"), FieldPanel("orientation")],
            heading=pgettext_lazy("paper", "Page"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("issuer_line_1"),
                FieldPanel("issuer_line_2"),
                FieldPanel("national_header"),
                FieldPanel("title"),
                FieldPanel("body"),
                FieldPanel("show_score"),
                FieldPanel("place"),
            ],
            heading=pgettext_lazy("certificate template", "Text"),
        ),
        InlinePanel("signatories", label=_("Signatories"), min_num=1, max_num=3),
        MultiFieldPanel(
            [
                FieldPanel("logo"),
                FieldPanel("background_image"),
                FieldPanel("accent_colour"),
                FieldPanel("extra_css"),
            ],
            heading=_("Look"),
        ),
    ]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def serve_preview(self, request, mode_name):
        """Wagtail's live preview: the PDF with sample data, unsaved edits included."""
        from .admin_views import template_preview_response

        return template_preview_response(self)

    def save(self, *args, **kwargs):
        # The version goes into each certificate's snapshot, so a reader can
        # tell which edit of the template a certificate was printed with.
        if self.pk:
            self.version = (
                CertificateTemplate.objects.filter(pk=self.pk)
                .values_list("version", flat=True)
                .first()
                or 0
            ) + 1
        super().save(*args, **kwargs)


class CertificateSignatory(Orderable):
    template = ParentalKey(
        CertificateTemplate, on_delete=models.CASCADE, related_name="signatories"
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(
        _("title"), max_length=150, help_text=_("e.g. HIỆU TRƯỞNG")
    )
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("title"), FieldPanel("name"), FieldPanel("signature_image")]

    class Meta(Orderable.Meta):
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")


class CourseCertificateSetting(Orderable):
    """Which template a course's certificate uses for one audience.

    Lives here, not in courses: the course page gains a tab through the
    ``lms_course_edit_tabs`` hook, so courses never imports certificates.
    """

    course = ParentalKey(
        CoursePage, on_delete=models.CASCADE, related_name="certificate_settings"
    )
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        related_name="course_settings",
    )
    auto_issue = models.BooleanField(
        _("issue automatically on completion"), default=True
    )
    valid_days = models.PositiveIntegerField(
        _("valid for (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a certificate that never expires."),
    )

    panels = [
        FieldPanel("audience"),
        FieldPanel("template"),
        FieldPanel("auto_issue"),
        FieldPanel("valid_days"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("certificate setting")
        verbose_name_plural = _("certificate settings")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "audience"],
                name="lms_certificates_setting_unique_audience",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_id} – {self.get_audience_display()}"


class SerialCounter(models.Model):
    """The last serial number used per school and year.

    Issuing locks this row (select_for_update) and inserts the certificate in
    the same transaction, so a rolled-back issue gives its number back: no gaps
    and no duplicates.
    """

    school_code = models.CharField(max_length=32)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school_code", "year"], name="lms_certificates_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_code}-{self.year}: {self.last_number}"


class LookupCounter(models.Model):
    """Lookups counted in one fixed window, used while the cache is away.

    The cache holds these counters normally (certificates/views.py); without
    it the limits still hold, one row per key and window. The key is a hash
    (it would otherwise hold the visitor's address); rows outlive their window
    only until the next new window starts.
    """

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced")
    # Never stored: a valid certificate past its expiry date reads as expired.
    EXPIRED = "expired", _("Expired")


STORED_STATUSES = [
    (value, label)
    for value, label in CertificateStatus.choices
    if value != CertificateStatus.EXPIRED
]


def certificate_upload_to(instance: "Certificate", filename: str) -> str:
    return f"certificates/{instance.year}/{instance.school_code}/{filename}"


class Certificate(models.Model):
    """One issued certificate: a ledger row, never deleted, never re-rendered."""

    serial = models.CharField(_("serial"), max_length=48, unique=True)
    school_code = models.CharField(_("school code"), max_length=32)
    year = models.PositiveIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="lms_certificates",
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    completion = models.ForeignKey(
        CourseCompletion,
        verbose_name=_("completion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lms_certificates",
    )
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("template"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    audience = models.CharField(_("audience"), max_length=16, blank=True)
    name_as_printed = models.CharField(_("name as printed"), max_length=150)
    course_title = models.CharField(_("course title"), max_length=255)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: issued automatically."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=STORED_STATUSES,
        default=CertificateStatus.VALID,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status_reason = models.TextField(_("reason"), blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    # The holder's school year at issue; a course required every school year
    # issues one valid certificate per year (`cycle`: the year's id, else 0),
    # valid until that year ends (`expires_on`).
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cycle = models.PositiveIntegerField(default=0, editable=False)
    pdf = models.FileField(_("PDF"), upload_to=certificate_upload_to, blank=True)
    pdf_sha256 = models.CharField(
        _("PDF SHA-256"), max_length=64, blank=True, db_index=True
    )
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # Why the PDF could not be stored (a full disk, say); empty once it is.
    # The certificate stays issued under its serial: the resume command
    # renders it again (certificate_batches_resume).
    render_error = models.TextField(_("PDF not stored"), blank=True)
    # The "certificate ready" e-mail is owed and leaves with the first stored
    # PDF, whichever task stores it (the issue's own render may die midway,
    # a database restart say, and a resume job render it later).
    notify_pending = models.BooleanField(
        _("e-mail waits for the PDF"), default=False, editable=False
    )
    snapshot = models.JSONField(_("snapshot"), default=dict)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "course", "cycle"],
                condition=Q(status="valid"),
                name="lms_certificates_one_valid_per_course",
            ),
            models.UniqueConstraint(
                fields=["school_code", "year", "number"],
                name="lms_certificates_serial_parts_unique",
            ),
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{self.serial} – {self.name_as_printed}"

    @property
    def effective_status(self) -> str:
        if (
            self.status == CertificateStatus.VALID
            and self.expires_on
            and self.expires_on < timezone.localdate()
        ):
            return CertificateStatus.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return CertificateStatus(self.effective_status).label


class CertificateEvent(models.Model):
    """The audit log: who did what to which certificate, and when."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        RENDERED = "rendered", _("PDF rendered")
        RENDER_FAILED = "render_failed", _("PDF could not be stored")
        REVOKED = "revoked", _("Revoked")
        REISSUED = "reissued", _("Reissued")
        DOWNLOADED = "downloaded", _("Downloaded by staff")

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class IssueBatch(models.Model):
    """A bulk issuance: who was chosen, and how far the background work got."""

    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificate_batches",
    )
    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    role = models.CharField(_("role"), max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.course}"


class IssueBatchItem(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DONE = "done", _("Issued")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(
        IssueBatch, on_delete=models.CASCADE, related_name="items"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default="pending")
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "user"], name="lms_certificates_batch_item_unique"
            )
        ]
        indexes = [models.Index(fields=["batch", "state"])]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.user_id}: {self.state}"


class SigningKey(models.Model):
    """One key of the PDF signing chain, its private half sealed (keystore).

    The Department's root signs the schools' signing certificates and the
    time-stamping certificate; a school's certificates sign its PDFs. A
    rotation adds a new row and retires the old one, which stays so the
    signatures it made keep their chain.
    """

    class Kind(models.TextChoices):
        ROOT = "root", _("Root")
        TSA = "tsa", _("Time stamping")
        SCHOOL = "school", _("School signing")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # Empty for the root and the time-stamping key.
    school_code = models.CharField(_("school code"), max_length=32, blank=True)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    # Encrypted PKCS#8 from keystore.seal(): never the key in clear.
    sealed_key = models.BinaryField(_("sealed private key"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["kind", "school_code", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "school_code"],
                condition=Q(retired_at__isnull=True),
                name="lms_certificates_one_active_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.school_code}".strip()


# Open Badges signing keys live in their own module (badge_models.py).
from .badge_models import BadgeSigningKey  # noqa: E402, F401
