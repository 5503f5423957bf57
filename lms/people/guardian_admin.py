"""Parents and guardians in the admin: their contacts, their children, and the
one-time code that opens their parent account, issued on request."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.widgets import ListingButton

from . import policies
from .admin_forms import GuardianForm
from .admin_scope import ScopedIndexView, ScopedModelViewSet
from .models import Guardian
from .services import guardian_activation_code_send


def guardians_visible_to(*, viewer):
    return policies.guardians_manageable_by(user=viewer)


class GuardianIndexView(ScopedIndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(
            ListingButton(
                _("Activation code"),
                reverse("lms_guardians:activation_code", args=[instance.pk]),
                icon_name="key",
                priority=30,
            )
        )
        return buttons


def activation_code_view(request, pk: int):
    """Issue a guardian a new activation code (revoking the old one), show it
    once, and e-mail it when the guardian has an address."""
    guardian = get_object_or_404(guardians_visible_to(viewer=request.user), pk=pk)
    if not policies.may_manage_guardian(user=request.user, guardian=guardian):
        raise Http404
    context = {"guardian": guardian, "children": guardian.children.all()}
    if request.method == "POST":
        issued, emailed = guardian_activation_code_send(
            guardian=guardian, issued_by=request.user
        )
        context.update(issued=issued, emailed=emailed)
        if emailed:
            messages.success(
                request,
                _("The code has been e-mailed to %(email)s.")
                % {"email": guardian.email},
            )
    return TemplateResponse(request, "lms_people/admin/guardian_code.html", context)


class GuardianViewSet(ScopedModelViewSet):
    model = Guardian
    icon = "group"
    menu_label = _("Parents and guardians")
    index_view_class = GuardianIndexView
    edit_handler = ObjectList(
        [
            FieldPanel(name)
            for name in (
                "school",
                "full_name",
                "phone",
                "email",
                "language",
                "notices_opt_out",
                "children",
            )
        ],
        base_form_class=GuardianForm,
    )
    list_display = ["full_name", "phone", "email", "school", "user"]
    list_filter = ["school", "language", "notices_opt_out"]
    search_fields = ["full_name", "phone", "email"]
    scope = staticmethod(guardians_visible_to)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "<int:pk>/activation-code/",
                activation_code_view,
                name="activation_code",
            ),
        ]
