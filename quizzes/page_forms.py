"""The quiz page's admin form: questions and draws only from the usable bank."""

from wagtail.admin.forms import WagtailAdminPageForm


def limit_formset_field(formset, field_name: str, queryset) -> None:
    """Limit a child formset's field choices, for its forms and its empty form."""
    original = formset.add_fields

    def add_fields(form, index):
        original(form, index)
        if field_name in form.fields:
            form.fields[field_name].queryset = queryset

    formset.add_fields = add_fields
    for form in formset.__dict__.get("forms", []):
        if field_name in form.fields:
            form.fields[field_name].queryset = queryset


class QuizPageForm(WagtailAdminPageForm):
    """For the quiz page form: fixed questions and random draws only from the
    question bank the editor may use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .policies import categories_usable_by, questions_usable_by

        user = getattr(self, "for_user", None)
        if user is None:
            return
        if "slots" in self.formsets:
            limit_formset_field(
                self.formsets["slots"], "question", questions_usable_by(user)
            )
        if "draws" in self.formsets:
            limit_formset_field(
                self.formsets["draws"], "category", categories_usable_by(user)
            )
