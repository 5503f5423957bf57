from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .families import ParentActivationForm, activation_attempt_allowed
from .forms import SignInForm
from .services import ActivationRefused, parent_account_activate, password_changed


class SignInView(auth_views.LoginView):
    template_name = "lms_people/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "lms_people/password_change_form.html"
    success_url = reverse_lazy("lms_people:password_change_done")

    def get_success_url(self):
        next_url = self.request.POST.get("next") or self.request.GET.get("next")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={self.request.get_host()}
        ):
            return next_url
        return super().get_success_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(user=form.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "lms_people/password_change_done.html"


def locked_out(request, original_response=None, credentials=None):
    """What django-axes shows after too many failed sign-ins (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return TemplateResponse(
        request,
        "lms_people/locked_out.html",
        {"cooloff_minutes": minutes},
        status=429,
    ).render()


@sensitive_post_parameters("code", "password1", "password2")
@never_cache
def parent_activate(request):
    """ "Kích hoạt tài khoản phụ huynh": a letter's one-time code opens the
    family's parent account, with the username and password chosen here."""
    form = ParentActivationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not activation_attempt_allowed(request):
            form.add_error(
                None, _("Too many attempts from your address. Please wait a while.")
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                user = parent_account_activate(
                    code=data["code"],
                    username=data["username"],
                    password=data["password1"],
                )
            except ActivationRefused as refused:
                form.add_error("code", str(refused))
            else:
                login(request, user, backend="lms.people.backends.ProfileModelBackend")
                messages.success(
                    request,
                    _("Your parent account is ready. Here is your child's learning."),
                )
                return redirect("lms_courses:my_learning")
        if status == 200 and form.errors:
            status = 400
    return TemplateResponse(
        request, "lms_people/parent_activate.html", {"form": form}, status=status
    )
