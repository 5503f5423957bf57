"""Wagtail's user management, with our fields and the visibility rule."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from .models import User
from .selectors import learners_visible_to

PERSON_FIELDS = ["full_name", "email", "phone", "student_code", "must_change_password"]


class _PersonFormMixin:
    def __init__(self, *args, request_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields.pop(name, None)
        self.fields["email"].required = False
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        if request_user is not None and not request_user.is_superuser:
            # Groups follow roles (memberships); only superusers set them by hand.
            self.fields.pop("groups", None)
            self.fields.pop("is_superuser", None)


class PersonCreationForm(_PersonFormMixin, UserCreationForm):
    email = forms.EmailField(required=False, label=_("Email"))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", *PERSON_FIELDS, "is_superuser", "groups"]
        widgets = {"groups": forms.CheckboxSelectMultiple}


class PersonEditForm(_PersonFormMixin, UserEditForm):
    email = forms.EmailField(required=False, label=_("Email"))

    class Meta(UserEditForm.Meta):
        model = User
        fields = ["username", *PERSON_FIELDS, "is_active", "is_superuser", "groups"]
        widgets = {"groups": forms.CheckboxSelectMultiple}


class _VisibleUsersMixin:
    def get_base_queryset(self):
        return learners_visible_to(viewer=self.request.user)


class PeopleIndexView(_VisibleUsersMixin, wagtail_users.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("wagtail_userprofile")

    def order_queryset(self, queryset):
        if self.ordering in ("name", "-name"):
            prefix = "-" if self.ordering.startswith("-") else ""
            return queryset.order_by(f"{prefix}sort_name")
        return super().order_queryset(queryset)


class _ScopedObjectMixin:
    def get_object(self, queryset=None):
        queryset = learners_visible_to(viewer=self.request.user)
        return super().get_object(queryset)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["request_user"] = self.request.user
        return kwargs


class PeopleCreateView(wagtail_users.CreateView):
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["request_user"] = self.request.user
        return kwargs


class PeopleEditView(_ScopedObjectMixin, wagtail_users.EditView):
    pass


class PeopleDeleteView(wagtail_users.DeleteView):
    def get_object(self, queryset=None):
        queryset = learners_visible_to(viewer=self.request.user)
        return super().get_object(queryset)


class LmsUserViewSet(wagtail_users.UserViewSet):
    index_view_class = PeopleIndexView
    add_view_class = PeopleCreateView
    edit_view_class = PeopleEditView
    delete_view_class = PeopleDeleteView
    create_template_name = "lms_people/users/create.html"
    edit_template_name = "lms_people/users/edit.html"

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm
