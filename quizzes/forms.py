"""Admin forms of the question bank, limited to what the user may change."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .policies import (
    categories_changeable_by,
    categories_writable_by,
    category_owner_choices,
)


class QuestionCategoryForm(WagtailAdminModelForm):
    """Owner school among the schools the user manages; the Department library
    (no school) only for Department managers. A sub-category takes its parent's
    owner."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        parents = categories_changeable_by(user)
        if self.instance.pk:
            parents = parents.exclude(pk__in=self.instance.descendants_and_self())
        self.fields["parent"].queryset = parents
        schools, library = category_owner_choices(user)
        self.fields["school"].queryset = schools
        self.library_allowed = library
        self.fields["school"].required = False
        if not library:
            self.fields["school"].empty_label = None
            self.fields["school"].help_text = ""  # the library is not theirs

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        if parent is not None:
            # A sub-category belongs to its parent's owner.
            cleaned["school"] = parent.school
            self.instance.school = parent.school
        elif cleaned.get("school") is None and not self.library_allowed:
            self.add_error(
                "school",
                _("Only the Department may add to its shared library."),
            )
        return cleaned


class QuestionForm(WagtailAdminModelForm):
    """A question goes only into a category the user may write into (authors:
    their school's, as drafts)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            self.fields["category"].queryset = categories_writable_by(self.for_user)
