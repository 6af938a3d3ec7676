"""What establishments do when another app tells them something changed."""

from establishments.services import registered_office_sync


def organisation_saved_received(sender, *, organisation, user=None, **kwargs):
    """organisations.signals.organisation_saved: the registered office follows the
    organisation's address, in the transaction that saved the organisation."""
    registered_office_sync(organisation=organisation, user=user)
