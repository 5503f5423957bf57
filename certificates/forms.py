from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.people.models import Role, School, SchoolClass

MAX_PDF_BYTES = 10 * 1024 * 1024


class CodeLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=300,
        help_text=_("The code printed under the QR code, or at the end of its link."),
    )

    def clean_code(self):
        value = self.cleaned_data["code"].strip()
        # Accept a pasted verification link as well as the bare code.
        return value.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")


class SerialLookupForm(forms.Form):
    serial = forms.CharField(label=_("Serial"), max_length=48)
    name = forms.CharField(
        label=_("Full name as printed"),
        max_length=150,
        help_text=_("With diacritics, exactly as on the certificate."),
    )


class PdfCheckForm(forms.Form):
    file = forms.FileField(label=_("Certificate PDF"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class BulkIssueForm(forms.Form):
    """Choose who: a course, and a school, class and/or role within it."""

    course = forms.ModelChoiceField(label=_("Course"), queryset=None)
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False
    )
    school_class = forms.ModelChoiceField(
        label=_("Class"), queryset=SchoolClass.objects.none(), required=False
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any role"))]
        + [
            (value, label)
            for value, label in Role.choices
            if value
            in {Role.STUDENT, Role.TEACHER, Role.HOMEROOM_TEACHER, Role.COLLABORATOR}
        ],
    )

    def __init__(self, *args, courses, schools, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["school"].queryset = schools
        self.fields["school_class"].queryset = classes


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CertificateTemplateForm(WagtailAdminModelForm):
    """A template's owner: a school the user manages, or (for the Department)
    its shared library."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from lms.people.policies import is_department_manager, schools_managed_by

        user = self.for_user
        schools = schools_managed_by(viewer=user).order_by("name")
        self.library_allowed = is_department_manager(user=user)
        field = self.fields["school"]
        field.queryset = schools
        field.required = False
        if not self.library_allowed:
            field.empty_label = None
            field.help_text = ""  # the library is not theirs to choose
            if not self.instance.pk and schools.count() == 1:
                field.initial = schools.first().pk

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("school") is None and not self.library_allowed:
            self.add_error(
                "school", _("Only the Department may add to its shared library.")
            )
        return cleaned
