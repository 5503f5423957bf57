"""People and the organisations they belong to.

Department (Sở GD&ĐT) -> School -> Class in a School year. A person's role is
held per school and school year through a Membership, so the same teacher can
be homeroom teacher of 10A1 this year and of 11A1 the next.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .hashers import password_work_equalise
from .text import fold_for_search, normalize_text, vietnamese_sort_key


class LmsUserManager(UserManager):
    def _create_user_object(self, username, email, password, **extra_fields):
        # UserManager normalises the e-mail; we keep email optional.
        return super()._create_user_object(
            username, email or "", password, **extra_fields
        )


class User(AbstractBaseUser, PermissionsMixin):
    """The standalone site's account: who signs in, and with what rights.

    What we know of the person (name, codes, date of birth) lives in
    `PersonProfile`, so a host site can keep its own user model instead.
    """

    username_validator = UnicodeUsernameValidator()

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        validators=[username_validator],
        help_text=_("Letters, digits and @/./+/-/_ only."),
        error_messages={"unique": _("A user with that username already exists.")},
    )
    email = models.EmailField(_("email"), blank=True)
    is_staff = models.BooleanField(
        _("Django admin access"),
        default=False,
        help_text=_("For technical administrators only."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date created"), default=timezone.now)

    objects = LmsUserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["lms_profile__sort_name", "username"]
        # Swapped out when a host site keeps its own AUTH_USER_MODEL.
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email or "")

    def check_password(self, raw_password) -> bool:
        """Django's check, at the same cost whichever hasher the account has."""
        encoded = self.password
        correct = super().check_password(raw_password)
        password_work_equalise(
            password=raw_password, encoded=encoded, rehashed=self.password != encoded
        )
        return correct

    def get_full_name(self) -> str:
        from .profiles import profile_of

        return profile_of(self).full_name

    def get_short_name(self) -> str:
        from .profiles import profile_of

        return profile_of(self).short_name


class PersonProfile(models.Model):
    """What the LMS knows of a person, whatever the site's user model is.

    Created on demand (see `lms.people.profiles.profile_of`) and when a user
    is created; the full name is printed on certificates, so it is kept NFC.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="lms_profile",
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    student_code = models.CharField(
        _("student code"),
        max_length=32,
        blank=True,
        db_index=True,
        help_text=_("The code the school gives the student, if any."),
    )
    # Only to know who is under 16 and so needs a parent's consent (Decree
    # 13/2023/NĐ-CP); optional, never shown on any public page.
    birth_date = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_("Used only to know whether a parent's consent is needed."),
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("The user must set a new password the next time they sign in."),
    )
    sort_name = models.CharField(max_length=400, editable=False, db_index=True)
    search_name = models.CharField(max_length=150, editable=False, db_index=True)

    class Meta:
        verbose_name = _("person profile")
        verbose_name_plural = _("person profiles")

    def __str__(self) -> str:
        return self.full_name or str(self.user_id)

    def save(self, *args, **kwargs):
        self.full_name = normalize_text(self.full_name)
        self.phone = normalize_text(self.phone)
        self.student_code = normalize_text(self.student_code)
        self.sort_name = vietnamese_sort_key(self.full_name or self.user.get_username())
        self.search_name = fold_for_search(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name", "search_name"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.full_name = normalize_text(self.full_name)

    @property
    def short_name(self) -> str:
        # Vietnamese people are addressed by their given name, the last word.
        if self.full_name:
            return self.full_name.split(" ")[-1]
        return self.user.get_username()


class Department(models.Model):
    """A city or provincial Department of Education (Sở GD&ĐT)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("department of education and training")
        verbose_name_plural = _("departments of education and training")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        super().save(*args, **kwargs)


class School(models.Model):
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="schools",
    )
    name = models.CharField(_("school name"), max_length=200)
    code = models.CharField(
        _("school code"),
        max_length=16,
        unique=True,
        help_text=_(
            "A short upper-case code, used in certificate numbers (e.g. DEMO)."
        ),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    learning_needs_consent = models.BooleanField(
        _("learning needs consent"),
        default=False,
        help_text=_("Learners without the required consent cannot start courses."),
    )
    # When a new school year starts, classes of this grade leave the school
    # (their students are not carried into the new year).
    last_grade = models.PositiveSmallIntegerField(
        _("last grade"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "The highest grade the school teaches (12 for an upper secondary "
            "school, 9 for a lower secondary school). Its classes leave the "
            "school when a new school year starts."
        ),
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        self.code = normalize_text(self.code).upper()
        super().save(*args, **kwargs)

    def clean(self):
        self.code = normalize_text(self.code).upper()
        if self.code and not self.code.replace("-", "").isalnum():
            raise ValidationError(
                {"code": _("A school code contains only letters, digits and hyphens.")}
            )


class SchoolYear(models.Model):
    """A school year such as 2023-2024, shared by every school."""

    name = models.CharField(
        _("school year"),
        max_length=9,
        unique=True,
        help_text=_("For example: 2023-2024"),
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="lms_people_schoolyear_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        first, _sep, second = self.name.partition("-")
        if not (first.isdigit() and second.isdigit() and int(second) == int(first) + 1):
            raise ValidationError(
                {
                    "name": _(
                        "Write the school year as NNNN-NNNN, for example 2023-2024."
                    )
                }
            )
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError(
                {"ends_on": _("The end date must be after the start date.")}
            )


class SchoolClass(models.Model):
    """A class (lớp) of one school in one school year, e.g. 10A1."""

    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="classes",
    )
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        on_delete=models.PROTECT,
        related_name="classes",
    )
    name = models.CharField(_("class name"), max_length=32)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school__name", "-school_year__starts_on", "grade", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "name"],
                name="lms_people_class_unique_per_school_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name).upper()
        if self.grade is None:
            digits = "".join(ch for ch in self.name[:2] if ch.isdigit())
            self.grade = int(digits) if digits else None
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    HOMEROOM_TEACHER = "homeroom_teacher", _("Homeroom teacher")
    TEACHER = "teacher", _("Teacher")
    COLLABORATOR = "collaborator", _("Collaborator")
    # "Soạn bài": writes drafts in the school's catalogue; never publishes.
    CONTENT_AUTHOR = "content_author", _("Content author")
    SCHOOL_ADMIN = "school_admin", _("School administrator")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")


ROLES_WITH_CLASS = {Role.STUDENT, Role.HOMEROOM_TEACHER}
LEARNER_ROLES = {Role.STUDENT, Role.HOMEROOM_TEACHER, Role.TEACHER, Role.COLLABORATOR}


class Membership(models.Model):
    """A person's role in a school (or the Department) for one school year."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
        help_text=_("For department officers only."),
    )
    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
    )
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
        help_text=_("Required for students and homeroom teachers."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["school_year", "school", "school_class", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role=Role.DEPARTMENT_OFFICER,
                        department__isnull=False,
                        school__isnull=True,
                    )
                    | (~Q(role=Role.DEPARTMENT_OFFICER) & Q(school__isnull=False))
                ),
                name="lms_people_membership_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=(
                    ~Q(role__in=[Role.STUDENT, Role.HOMEROOM_TEACHER])
                    | Q(school_class__isnull=False)
                ),
                name="lms_people_membership_class_for_class_roles",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school_class"],
                condition=Q(school_class__isnull=False),
                name="lms_people_membership_unique_in_class",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school", "school_year"],
                condition=Q(school_class__isnull=True, school__isnull=False),
                name="lms_people_membership_unique_in_school",
            ),
            models.UniqueConstraint(
                fields=["user", "department", "school_year"],
                condition=Q(role="department_officer"),
                name="lms_people_membership_unique_in_department",
            ),
            models.UniqueConstraint(
                fields=["user", "school_year"],
                condition=Q(role=Role.STUDENT),
                name="lms_people_membership_one_class_per_student_year",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "school_year", "role"]),
            models.Index(fields=["school_class", "role"]),
        ]

    def __str__(self) -> str:
        where = self.school_class or self.school or self.department
        return f"{self.user} – {self.get_role_display()} – {where} ({self.school_year})"

    def clean(self):
        errors = {}
        if self.role == Role.DEPARTMENT_OFFICER:
            if not self.department_id:
                errors["department"] = _(
                    "A department officer must belong to a department."
                )
            if self.school_id or self.school_class_id:
                errors["school"] = _(
                    "A department officer is not attached to a school or a class."
                )
        elif not self.school_id:
            errors["school"] = _("This role needs a school.")
        if self.role in ROLES_WITH_CLASS and not self.school_class_id:
            errors["school_class"] = _("Students and homeroom teachers need a class.")
        if self.school_class_id and not errors:
            school_class = self.school_class
            if school_class.school_id != self.school_id:
                errors["school_class"] = _(
                    "The class does not belong to the chosen school."
                )
            elif school_class.school_year_id != self.school_year_id:
                errors["school_class"] = _(
                    "The class does not belong to the chosen school year."
                )
        if errors:
            raise ValidationError(errors)


CONSENT_AGE = 16


class Consent(models.Model):
    """Consent to process a learner's data, as the school collected it.

    A learner gives their own; under 16 (Decree 13/2023/NĐ-CP, art. 20) a
    parent or guardian gives theirs too. Withdrawing keeps the record.
    """

    class GivenBy(models.TextChoices):
        LEARNER = "learner", _("The learner")
        PARENT = "parent", _("A parent")
        GUARDIAN = "guardian", _("A guardian")

    class Method(models.TextChoices):
        PAPER_FORM = "paper_form", _("Signed paper form")
        ONLINE_FORM = "online_form", _("Online form")
        PARENTS_MEETING = "parents_meeting", _("Parents' meeting")
        OTHER = "other", _("Other")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    given_by = models.CharField(_("given by"), max_length=16, choices=GivenBy.choices)
    giver_name = models.CharField(
        _("name of the person giving consent"), max_length=150
    )
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    given_on = models.DateField(_("date given"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The parent or guardian contact who gave it, when known.
    guardian = models.ForeignKey(
        "Guardian",
        verbose_name=_("parent or guardian"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.learner} – {self.get_given_by_display()} ({self.given_on})"

    def save(self, *args, **kwargs):
        self.giver_name = normalize_text(self.giver_name)
        super().save(*args, **kwargs)


class PersonErasure(models.Model):
    """The audit record of one person's data being erased; holds no personal data."""

    class Source(models.TextChoices):
        ADMIN = "admin", _("Request, in the admin")
        COMMAND = "command", _("Request, by command")
        RETENTION = "retention", _("Retention period over")

    erased_user_id = models.PositiveBigIntegerField(_("erased user id"))
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    reason = models.CharField(
        _("reason"),
        max_length=255,
        help_text=_("Why the record was removed; write no personal data here."),
    )

    class Meta:
        verbose_name = _("data erasure")
        verbose_name_plural = _("data erasures")
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"#{self.erased_user_id} ({self.erased_at:%d/%m/%Y})"


class RosterImportJob(models.Model):
    """A large roster import run by a background worker instead of the request.

    It holds the uploaded file until the worker has run, then the import's
    outcome in figures. Initial passwords are never stored here: the
    importer issues them afterwards on the "new initial passwords" page.
    Progress while running lives in the cache (see roster/jobs.py), since
    the import's own transaction hides its writes until it commits; the
    status changes in that transaction (RUNNING is only ever shown).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", pgettext_lazy("roster job", "Imported")
        REFUSED = "refused", _("Refused, nothing imported")
        FAILED = "failed", _("Failed, nothing imported")

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="+"
    )
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    filename = models.CharField(_("file name"), max_length=255)
    # The uploaded file, emptied once the job has run.
    data = models.BinaryField(_("file"), blank=True, default=b"")
    create_classes = models.BooleanField(_("create classes"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    # Counts, class names and why rows were refused: {"created": 3, ...}.
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)

    class Meta:
        verbose_name = _("roster import job")
        verbose_name_plural = _("roster import jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status not in {self.Status.QUEUED, self.Status.RUNNING}


class Guardian(models.Model):
    """A parent or guardian (phụ huynh) of one or more learners.

    A contact first (for notices and letters); with `user` set, also the
    parent account that sees the children's learning. A child can have two
    guardians and a guardian several children (`GuardianChild`).
    """

    class Language(models.TextChoices):
        VIETNAMESE = "vi", _("Vietnamese")
        ENGLISH = "en", _("English")

    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="guardians",
        help_text=_("The school that keeps this contact."),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        default=Language.VIETNAMESE,
        help_text=_("The language of the notices and letters sent to the family."),
    )
    notices_opt_out = models.BooleanField(
        _("no notices"),
        default=False,
        help_text=_("The family asked not to receive notices."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("parent account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian_contact",
    )
    children = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("children"),
        through="GuardianChild",
        related_name="guardians",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sort_name = models.CharField(max_length=400, editable=False, db_index=True)

    class Meta:
        verbose_name = _("parent or guardian")
        verbose_name_plural = _("parents and guardians")
        ordering = ["sort_name", "pk"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = normalize_text(self.full_name)
        self.phone = normalize_text(self.phone)
        self.email = normalize_text(self.email).lower()
        self.sort_name = vietnamese_sort_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)


class GuardianChild(models.Model):
    """One guardian's link to one child, with how they are related."""

    class Relation(models.TextChoices):
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        GUARDIAN = "guardian", _("Guardian")
        PARENT = "parent", _("Father or mother")

    guardian = models.ForeignKey(
        Guardian,
        verbose_name=_("parent or guardian"),
        on_delete=models.CASCADE,
        related_name="child_links",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("child"),
        on_delete=models.CASCADE,
        related_name="guardian_links",
    )
    relation = models.CharField(
        _("relation to the child"),
        max_length=16,
        choices=Relation.choices,
        default=Relation.PARENT,
    )

    class Meta:
        verbose_name = _("child of a guardian")
        verbose_name_plural = _("children of guardians")
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "learner"],
                name="lms_people_guardianchild_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.guardian} – {self.learner} ({self.get_relation_display()})"


class GuardianActivationCode(models.Model):
    """A one-time code ("mã kích hoạt") that opens a guardian's parent account.

    Shown once when issued (on a letter or in an e-mail), stored as a keyed
    hash only; it expires, works once, and issuing a new one revokes the
    guardian's earlier codes. It covers every child of the guardian.
    """

    guardian = models.ForeignKey(
        Guardian,
        verbose_name=_("parent or guardian"),
        on_delete=models.CASCADE,
        related_name="activation_codes",
    )
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["guardian"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="lms_people_activationcode_one_open_per_guardian",
            )
        ]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.issued_at:%d/%m/%Y})"

    def is_usable(self, *, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.used_at is None and self.revoked_at is None and now < self.expires_at
        )


class ActivationAttemptCounter(models.Model):
    """Activation attempts counted in one fixed window, while the cache is away.

    The same scheme as the certificate lookups: the cache counts normally,
    one row per hashed key and window otherwise.
    """

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class FamilyDigest(models.Model):
    """One digest of notices sent to a guardian for one period.

    At most one per guardian and period (the constraint, not only the code):
    a second run in the same period finds this row and sends nothing. The
    next digest covers what happened after `covered_until`.
    """

    guardian = models.ForeignKey(
        Guardian,
        verbose_name=_("parent or guardian"),
        on_delete=models.CASCADE,
        related_name="digests",
    )
    period_start = models.DateField(_("period starting"))
    channel = models.CharField(_("sent by"), max_length=40)
    events = models.PositiveIntegerField(_("notices"), default=0)
    covered_from = models.DateTimeField(_("events from"))
    covered_until = models.DateTimeField(_("events until"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("family digest")
        verbose_name_plural = _("family digests")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "period_start"],
                name="lms_people_familydigest_one_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.guardian} – {self.period_start:%d/%m/%Y}"
