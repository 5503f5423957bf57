"""Parent accounts: the public activation page's throttle and form."""

import hashlib
from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.cache import CacheUnavailable, cache_available
from lms.security import client_ip

from .models import ActivationAttemptCounter
from .text import normalize_text

User = get_user_model()


def _count_allows(key: str, limit: int, window: int) -> bool:
    """A fixed-window counter in the cache, in the database while the cache is
    away (the scheme of the certificate lookups); True while under `limit`."""
    if cache_available():
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key) <= limit
        except CacheUnavailable:
            pass
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            return True
    now = timezone.now()
    start = int(now.timestamp()) // window * window
    with transaction.atomic():
        counter, created = ActivationAttemptCounter.objects.get_or_create(
            key=hashlib.sha256(f"{key}@{start}".encode()).hexdigest(),
            defaults={
                "count": 1,
                "expires_at": datetime.fromtimestamp(start + window, tz=UTC),
            },
        )
        if not created:
            ActivationAttemptCounter.objects.filter(pk=counter.pk).update(
                count=F("count") + 1
            )
            counter.refresh_from_db(fields=["count"])
    if created:
        ActivationAttemptCounter.objects.filter(expires_at__lt=now).delete()
    return counter.count <= limit


def activation_attempt_allowed(request) -> bool:
    """Attempts per client address, then for the whole site: codes are long
    and random, and these limits keep anyone from trying them in bulk."""
    limit, window = settings.LMS_PARENT_ACTIVATION_RATE
    address = client_ip(request) or "unknown"
    return _count_allows(
        f"lms-parent-activate:{address}", limit, window
    ) and _count_allows("lms-parent-activate:*", limit * 50, window)


class ParentActivationForm(forms.Form):
    code = forms.CharField(
        label=_("Activation code"),
        max_length=40,
        help_text=_("The code printed on the school's letter or sent by e-mail."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[User.username_validator],
        help_text=_("Letters, digits and @/./+/-/_ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self):
        username = normalize_text(self.cleaned_data["username"])
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("A user with that username already exists."))
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            try:
                password_validation.validate_password(
                    first, User(username=cleaned.get("username", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
