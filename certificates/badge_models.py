"""The Ed25519 key that signs Open Badges credentials and status lists.

Kept apart from models.py (which imports this module) so the badge work stays
in its own files. The private key is stored only sealed (keystore.seal()).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BadgeSigningKey(models.Model):
    """One issuer key; at most one is active, retired ones stay trusted."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # "z6Mk…": the multibase (base58btc) of the multicodec Ed25519 public key;
    # the issuer's identifier is "did:key:" + this value.
    public_key_multibase = models.CharField(_("public key"), max_length=64, unique=True)
    # Encrypted PKCS#8 PEM from keystore.seal(); never the key in clear.
    sealed_private_key = models.BinaryField(_("sealed private key"))
    active = models.BooleanField(_("active"), default=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("badge signing key")
        verbose_name_plural = _("badge signing keys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=Q(active=True),
                name="lms_certificates_one_active_badge_key",
            )
        ]

    def __str__(self) -> str:
        return f"did:key:{self.public_key_multibase}"
