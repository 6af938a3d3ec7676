"""How the portal names a person: the one place that turns a user into text.

A user signed in through ACM is known by the name ACM gave at the last sign-in
(portal.oidc.claims stores given_name and family_name); the username of such a
user is a hash of the OIDC subject ("oidc-…"), which means nothing to a person and
is never shown, nor is a rijksregisternummer (the portal keeps none). A staff member
with a username and password shows the full name, or the username when no name is
filled in.
"""

from django.utils.translation import gettext_lazy as _


def user_display(user):
    """The name that every page, admin column, e-mail and history shows for `user`."""
    if user is None:
        return str(_("onbekend"))
    full_name = user.get_full_name()
    if full_name:
        return full_name
    if getattr(user, "oidc_subject", None):
        # No name came with the sign-in (ACM always sends one): the e-mail address still
        # tells two people apart, the hash of the subject does not tell anyone anything.
        return user.email or str(_("gebruiker zonder naam"))
    return user.get_username()
