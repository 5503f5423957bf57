"""Wagtail's user management, with our fields and the visibility rule."""

import logging

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from . import policies
from .admin_scope import ScopedDeleteView, ScopedEditView, ScopedIndexView
from .models import Consent, PersonErasure, PersonProfile, Role, School, SchoolYear
from .profiles import full_name_of, profile_of, profile_update
from .rollover import (
    RolloverRefused,
    school_year_plan,
    school_year_start,
    source_year_of,
    year_name_parse,
)
from .selectors import (
    consent_complete_q,
    learners_visible_to,
    learners_with_consent_status,
)
from .services import person_data_export, person_erase, person_is_erased
from .text import normalize_text

User = get_user_model()

logger = logging.getLogger(__name__)

# Kept in the person's LMS profile, whatever the site's user model is.
PROFILE_FORM_FIELDS = [
    "full_name",
    "phone",
    "student_code",
    "birth_date",
    "must_change_password",
]


def _account_fields(*extra: str) -> list[str]:
    User = get_user_model()
    return [User.USERNAME_FIELD, "email", *extra, "is_superuser", "groups"]


class _PersonFormMixin:
    """Our fields, and only the powers the editing person may hand out.

    The person fields are not the user model's: they are read from and
    written to the LMS profile, so the form serves `auth.User` sites too.
    Non-superusers never see `is_superuser`; the groups offered are the LMS
    role groups below their own rank (`policies.grantable_groups`), and the
    groups a person already has outside that set are kept as they are.
    """

    def __init__(self, *args, request_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields.pop(name, None)
        profile_fields = forms.fields_for_model(
            PersonProfile, fields=PROFILE_FORM_FIELDS
        )
        profile_fields["full_name"].required = True
        profile_fields["full_name"].widget.attrs["autocomplete"] = "name"
        if self.instance.pk:
            profile = profile_of(self.instance)
            for name in PROFILE_FORM_FIELDS:
                self.initial.setdefault(name, getattr(profile, name))
        # Person fields follow the username, as the templates lay them out.
        ordered = {}
        for name, field in self.fields.items():
            ordered[name] = field
            if name == get_user_model().USERNAME_FIELD:
                ordered.update(profile_fields)
        ordered.update(profile_fields)
        self.fields = ordered
        if "email" in self.fields:
            self.fields["email"].required = False
        self.request_user = request_user
        self.grantable = None
        if request_user is not None and not request_user.is_superuser:
            self.fields.pop("is_superuser", None)
            self.grantable = policies.grantable_groups(actor=request_user)
            if "groups" in self.fields:
                self.fields["groups"].queryset = self.grantable

    def clean_full_name(self):
        return normalize_text(self.cleaned_data.get("full_name"))

    def _save_m2m(self):
        super()._save_m2m()
        self._profile_save()
        if self.grantable is None or "groups" not in self.cleaned_data:
            return
        # Keep the groups the editor may not grant (nor take away).
        kept = self.initial_groups.exclude(pk__in=self.grantable.values("pk"))
        self.instance.groups.add(*kept)

    def _profile_save(self) -> None:
        user = self.instance
        values = {name: self.cleaned_data[name] for name in PROFILE_FORM_FIELDS}
        profile_update(user=user, **values)
        names = {field.name for field in user._meta.get_fields()}
        if {"first_name", "last_name"} <= names:
            # Let the host's own name fields (what Wagtail shows) follow ours.
            user.first_name = values["full_name"][
                : user._meta.get_field("first_name").max_length
            ]
            user.last_name = ""
            user.save(update_fields=["first_name", "last_name"])

    def full_clean(self):
        held = []
        if self.instance.pk:
            held = list(self.instance.groups.values_list("pk", flat=True))
        self.initial_groups = Group.objects.filter(pk__in=held)
        super().full_clean()


class PersonCreationForm(_PersonFormMixin, UserCreationForm):
    email = forms.EmailField(required=False, label=_("Email"))

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = _account_fields()
        widgets = {"groups": forms.CheckboxSelectMultiple}


class PersonEditForm(_PersonFormMixin, UserEditForm):
    email = forms.EmailField(required=False, label=_("Email"))

    class Meta(UserEditForm.Meta):
        model = get_user_model()
        fields = _account_fields("is_active")
        widgets = {"groups": forms.CheckboxSelectMultiple}


class PeopleIndexView(wagtail_users.IndexView):
    """Everyone the viewer may see; the buttons to change them follow the policy."""

    def get_base_queryset(self):
        people = learners_visible_to(viewer=self.request.user).select_related(
            "wagtail_userprofile", "lms_profile"
        )
        if self.request.user.is_superuser:
            return people
        manageable = policies.people_manageable_by(actor=self.request.user)
        return people.annotate(
            lms_may_manage=Exists(manageable.filter(pk=OuterRef("pk")))
        )

    def _may_manage(self, instance) -> bool:
        return getattr(instance, "lms_may_manage", self.request.user.is_superuser)

    def get_edit_url(self, instance):
        if self._may_manage(instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if self._may_manage(instance):
            return super().get_delete_url(instance)
        return None

    def order_queryset(self, queryset):
        if self.ordering in ("name", "-name"):
            prefix = "-" if self.ordering.startswith("-") else ""
            return queryset.order_by(f"{prefix}lms_profile__sort_name")
        return super().order_queryset(queryset)

    @cached_property
    def columns(self):
        # The name is the LMS profile's, and sortable whatever the user model.
        name = self._get_title_column_class(wagtail_users.UserColumn)(
            "name",
            accessor=full_name_of,
            label=_("Name"),
            sort_key="name",
            get_url=self.get_edit_url,
            classname="name",
        )
        return [name if c.name == "name" else c for c in super().columns]


class _ManageablePersonMixin:
    """Every view that changes an account reaches only the people one may manage.

    Anyone else answers 404, whatever the model permissions say.
    """

    def manageable_people(self):
        return policies.people_manageable_by(actor=self.request.user)

    def get_object(self, queryset=None):
        return super().get_object(self.manageable_people())


class _PersonFormKwargsMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["request_user"] = self.request.user
        return kwargs


class PeopleCreateView(_PersonFormKwargsMixin, wagtail_users.CreateView):
    pass


class PeopleEditView(
    _ManageablePersonMixin, _PersonFormKwargsMixin, wagtail_users.EditView
):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage_person_data"] = policies.may_manage_person_data(
            actor=self.request.user, person=self.object
        )
        return context


class PeopleDeleteView(_ManageablePersonMixin, wagtail_users.DeleteView):
    pass


class PeopleHistoryView(wagtail_users.HistoryView):
    def get_base_object_queryset(self):
        return policies.people_manageable_by(actor=self.request.user)


class PeopleUsageView(UsageView):
    def get_base_object_queryset(self):
        return policies.people_manageable_by(actor=self.request.user)


class LmsUserViewSet(wagtail_users.UserViewSet):
    index_view_class = PeopleIndexView
    add_view_class = PeopleCreateView
    edit_view_class = PeopleEditView
    delete_view_class = PeopleDeleteView
    history_view_class = PeopleHistoryView
    usage_view_class = PeopleUsageView
    # Copying an account copied its powers (and Wagtail's copy view bound the
    # form to the original account): a new person is added, never copied.
    copy_view_enabled = False
    create_template_name = "lms_people/users/create.html"
    edit_template_name = "lms_people/users/edit.html"

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm


# Consent status and a person's data export / erasure (Decree 13/2023/NĐ-CP).


class ConsentStatusFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Consent"),
        choices=[("complete", _("Complete")), ("missing", _("Missing"))],
        method="filter_status",
        empty_label=_("All"),
    )
    school = django_filters.ModelChoiceFilter(
        label=_("School"),
        queryset=School.objects.all(),
        method="filter_school",
    )

    class Meta:
        model = User
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["school"].queryset = policies.schools_visible_to(
                viewer=request.user
            )

    def filter_status(self, queryset, name, value):
        if value == "complete":
            return queryset.filter(consent_complete=True)
        if value == "missing":
            return queryset.filter(consent_complete=False)
        return queryset

    def filter_school(self, queryset, name, value):
        return queryset.filter(
            memberships__school=value, memberships__role=Role.STUDENT
        ).distinct()


class ConsentStatusColumn(Column):
    def get_value(self, instance):
        return _("Complete") if instance.consent_complete else _("Missing")


class ConsentStatusIndexView(IndexView):
    """Students the viewer may see, and whether the consent they need is on file."""

    model = User
    page_title = _("Consent status")
    header_icon = "tick"
    index_url_name = "lms_consent_status:index"
    index_results_url_name = "lms_consent_status:index_results"
    filterset_class = ConsentStatusFilterSet
    default_ordering = "lms_profile__sort_name"
    any_permission_required = ["view"]
    columns = [
        Column("full_name", accessor="lms_profile.full_name", label=_("Full name")),
        Column(
            "student_code", accessor="lms_profile.student_code", label=_("Student code")
        ),
        Column(
            "birth_date", accessor="lms_profile.birth_date", label=_("Date of birth")
        ),
        ConsentStatusColumn("consent_complete", label=_("Consent")),
    ]

    @cached_property
    def permission_policy(self):
        return ModelPermissionPolicy(Consent)

    def get_base_queryset(self):
        return (
            learners_with_consent_status(viewer=self.request.user)
            .annotate(
                consent_complete=ExpressionWrapper(
                    consent_complete_q(), output_field=BooleanField()
                )
            )
            .exclude(username__startswith="deleted-")
            .select_related("lms_profile")
        )

    def order_queryset(self, queryset):
        return queryset.order_by("lms_profile__sort_name", "pk")


class ConsentStatusMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("lms_people.view_consent")


class ConsentStatusViewSet(ViewSet):
    menu_icon = "tick"
    menu_label = _("Consent status")
    menu_item_class = ConsentStatusMenuItem

    def get_urlpatterns(self):
        return [
            path("", ConsentStatusIndexView.as_view(), name="index"),
            path(
                "results/",
                ConsentStatusIndexView.as_view(results_only=True),
                name="index_results",
            ),
        ]

    @property
    def menu_url(self):
        return reverse(self.get_url_name("index"))


def _manageable_person(request, pk: int) -> User:
    person = get_object_or_404(User, pk=pk)
    if not policies.may_manage_person_data(actor=request.user, person=person):
        raise Http404
    return person


def person_data_export_view(request, pk: int):
    person = _manageable_person(request, pk)
    data = person_data_export(person=person)
    logger.info("Data export of user #%s by user #%s", person.pk, request.user.pk)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="person-{person.pk}-data.zip"'
    )
    response["Cache-Control"] = "no-store"
    return response


class PersonEraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_(
            "For example: request of the student's parent. Write no personal "
            "data here: this reason is kept."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I understand this cannot be undone."), required=True
    )


def person_erase_view(request, pk: int):
    person = _manageable_person(request, pk)
    if person_is_erased(person=person):
        messages.info(request, _("This person's data has already been erased."))
        return redirect("wagtailusers_users:index")
    form = PersonEraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person_erase(
            person=person,
            erased_by=request.user,
            reason=form.cleaned_data["reason"],
            source=PersonErasure.Source.ADMIN,
        )
        messages.success(
            request,
            _("The person's data has been erased; anonymous statistics remain."),
        )
        return redirect("wagtailusers_users:index")
    return TemplateResponse(
        request,
        "lms_people/admin/person_erase.html",
        {"person": person, "form": form},
    )


# Roles (memberships): listed as far as one may see, changed only where one
# could have given them.


class _GrantedMembershipMixin:
    def get_object(self, queryset=None):
        membership = super().get_object(queryset)
        if not policies.may_grant_membership(
            actor=self.request.user,
            person=membership.user,
            role=membership.role,
            school=membership.school,
            school_year=membership.school_year,
            department_id=membership.department_id,
        ):
            raise Http404
        return membership


class MembershipEditView(_GrantedMembershipMixin, ScopedEditView):
    pass


class MembershipDeleteView(_GrantedMembershipMixin, ScopedDeleteView):
    pass


# Classes, schools and consent records: seen as far as one may read, changed
# only with a management power now (policies).


class _ManagedClassMixin:
    def get_object(self, queryset=None):
        school_class = super().get_object(queryset)
        if not policies.may_manage_school(
            user=self.request.user,
            school=school_class.school_id,
            school_year=school_class.school_year_id,
        ):
            raise Http404
        return school_class


class SchoolClassEditView(_ManagedClassMixin, ScopedEditView):
    pass


# Other apps add actions to each class's row of the class list (the family
# letters of lms.reports, say) without this app importing them: a function
# registered on this hook takes (request, school_class) and returns MenuItems.
CLASS_LISTING_BUTTONS_HOOK = "lms_class_listing_buttons"


class SchoolClassIndexView(ScopedIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for fn in hooks.get_hooks(CLASS_LISTING_BUTTONS_HOOK):
            buttons.extend(fn(self.request, instance))
        return buttons


class SchoolClassDeleteView(_ManagedClassMixin, ScopedDeleteView):
    pass


class _ManagedSchoolMixin:
    def get_object(self, queryset=None):
        school = super().get_object(queryset)
        if not policies.may_manage_school(user=self.request.user, school=school):
            raise Http404
        return school


class SchoolEditView(_ManagedSchoolMixin, ScopedEditView):
    pass


class SchoolDeleteView(_ManagedSchoolMixin, ScopedDeleteView):
    pass


class _ManagedConsentMixin:
    def get_object(self, queryset=None):
        consent = super().get_object(queryset)
        if not policies.may_manage_person(
            actor=self.request.user, person=consent.learner
        ):
            raise Http404
        return consent


class ConsentEditView(_ManagedConsentMixin, ScopedEditView):
    pass


class ConsentDeleteView(_ManagedConsentMixin, ScopedDeleteView):
    pass


# Starting a new school year at a school ("Sang năm học mới"): a form, a
# preview of exactly what will happen (the service's plan), then a confirm
# button that runs the same plan, refused if it has changed since.


class SchoolYearStartForm(forms.Form):
    year = forms.CharField(
        label=_("New school year"),
        max_length=20,
        help_text=_("For example: 2027-2028. It is created if it does not exist."),
    )
    carry_homeroom = forms.BooleanField(
        label=_("Homeroom teachers follow their class"),
        required=False,
        help_text=_(
            "Each homeroom teacher becomes homeroom teacher of the promoted class."
        ),
    )

    def clean_year(self):
        value = normalize_text(self.cleaned_data["year"])
        try:
            first, second = year_name_parse(value)
        except RolloverRefused as refusal:
            raise forms.ValidationError(refusal.message) from None
        return f"{first}-{second}"


def _next_year_name() -> str:
    current = policies.current_school_year()
    first = int(current.name[:4]) + 1 if current else timezone.localdate().year
    return f"{first}-{first + 1}"


def school_year_start_view(request, pk: int):
    school = get_object_or_404(policies.schools_visible_to(viewer=request.user), pk=pk)
    if not policies.may_start_school_year(user=request.user, school=school):
        raise Http404
    form = SchoolYearStartForm(
        request.POST or None, initial={"year": _next_year_name()}
    )
    context = {"school": school, "form": form}
    if request.method == "POST" and form.is_valid():
        year_name = form.cleaned_data["year"]
        carry_homeroom = form.cleaned_data["carry_homeroom"]
        if not policies.may_start_school_year(
            user=request.user,
            school=school,
            source_year=source_year_of(year_name),
            target_year=SchoolYear.objects.filter(name=year_name).first(),
        ):
            form.add_error(
                "year",
                _(
                    "You hold no management power at this school in the school "
                    "year before %(year)s or in %(year)s itself."
                )
                % {"year": year_name},
            )
            return TemplateResponse(request, SCHOOL_YEAR_START_TEMPLATE, context)
        try:
            if request.POST.get("confirm"):
                plan = school_year_start(
                    school=school,
                    year_name=year_name,
                    carry_homeroom=carry_homeroom,
                    actor=request.user,
                    expected_digest=request.POST.get("digest", ""),
                )
                logger.info(
                    "School year %s started at %s by user #%s",
                    year_name,
                    school.code,
                    request.user.pk,
                )
                if plan.nothing_to_do:
                    messages.info(
                        request,
                        _(
                            "%(school)s was already in school year %(year)s; "
                            "nothing was changed."
                        )
                        % {"school": school.name, "year": year_name},
                    )
                    return redirect("lms_schools:index")
                messages.success(
                    request,
                    _(
                        "%(school)s is in school year %(year)s: %(students)d "
                        "students carried into %(classes)d classes."
                    )
                    % {
                        "school": school.name,
                        "year": year_name,
                        "students": len(plan.students_carried),
                        "classes": len(plan.promotions),
                    },
                )
                return redirect("lms_schools:index")
            context["plan"] = school_year_plan(
                school=school, year_name=year_name, carry_homeroom=carry_homeroom
            )
        except RolloverRefused as refusal:
            form.add_error(None, refusal.message)
    return TemplateResponse(request, SCHOOL_YEAR_START_TEMPLATE, context)


SCHOOL_YEAR_START_TEMPLATE = "lms_people/admin/school_year_start.html"
