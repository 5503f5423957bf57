"""Wagtail's user bulk actions, limited to the people one may manage.

Wagtail checks only the model permission ("change user") for each account
picked, and `?id=all` means every account in the database. Here every
account outside `policies.people_manageable_by` is refused (listed as "no
access" and left untouched), `id=all` means "all I may manage", and the role
to assign is one of the LMS role groups the person may grant.
"""

from django.utils.functional import cached_property
from wagtail.users.views.bulk_actions import (
    AssignRoleBulkAction,
    DeleteBulkAction,
    SetActiveStateBulkAction,
)

from . import policies


class _ManageableMixin:
    @cached_property
    def manageable_ids(self) -> set[int]:
        people = policies.people_manageable_by(actor=self.request.user)
        return set(people.values_list("pk", flat=True))

    def get_all_objects_in_listing_query(self, parent_id):
        listing = super().get_all_objects_in_listing_query(parent_id)
        return [pk for pk in listing if pk in self.manageable_ids]

    def check_perm(self, obj):
        return obj.pk in self.manageable_ids and super().check_perm(obj)


class ScopedSetActiveStateBulkAction(_ManageableMixin, SetActiveStateBulkAction):
    pass


class ScopedDeleteBulkAction(_ManageableMixin, DeleteBulkAction):
    pass


class ScopedAssignRoleBulkAction(_ManageableMixin, AssignRoleBulkAction):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = policies.grantable_groups(
            actor=self.request.user
        )
        return form


SCOPED_USER_BULK_ACTIONS = [
    ScopedSetActiveStateBulkAction,
    ScopedDeleteBulkAction,
    ScopedAssignRoleBulkAction,
]
