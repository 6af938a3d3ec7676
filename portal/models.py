from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.people import user_display


class User(AbstractUser):
    """A person known to the portal.

    Provider and SME users are keyed on the OIDC subject (`sub`) of the identity
    provider, never on a rijksregisternummer: the portal stores none. Agency
    staff sign in to the admin with a username and password.
    """

    oidc_subject = models.CharField(
        _("OIDC-subject"), max_length=255, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self):
        # What every admin column, read-only field and choice list shows for a person.
        return user_display(self)


class Membership(models.Model):
    """A profile a user may act in for an organisation.

    Rebuilt from the role claim of the ID token at every login: a right that is
    no longer in the token is no longer here.
    """

    class Profile(models.TextChoices):
        PROVIDER = "provider", _("Dienstverlener kmo-portefeuille")
        SME = "sme", _("Gebruiker")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("gebruiker")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("onderneming"),
    )
    profile = models.CharField(_("profiel"), max_length=20, choices=Profile.choices)
    granted_at = models.DateTimeField(_("laatst bevestigd"), auto_now=True)

    class Meta:
        verbose_name = _("gebruikersrecht")
        verbose_name_plural = _("gebruikersrechten")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "profile"], name="membership_unique_profile"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_profile_display()})"


class LapsedMembership(models.Model):
    """A right the portal saw at an earlier sign-in and did not see at a later one.

    ACM's token carries only the rights valid today, so at the sign-in where a right
    is missing the portal can no longer ask ACM about it; it keeps this record
    instead, so that the "Geen toegang" page can name the right, the organisation and
    the dates the portal itself saw (last confirmed, first missing). Removed when the
    right comes back at a later sign-in.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="lapsed_memberships",
        verbose_name=_("gebruiker"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("onderneming"),
    )
    profile = models.CharField(_("profiel"), max_length=20, choices=Membership.Profile.choices)
    last_confirmed_at = models.DateTimeField(_("laatst bevestigd"))
    missing_since = models.DateTimeField(_("niet meer doorgegeven sinds"))

    class Meta:
        verbose_name = _("vervallen gebruikersrecht")
        verbose_name_plural = _("vervallen gebruikersrechten")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "profile"], name="lapsed_membership_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_profile_display()})"
