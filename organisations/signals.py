"""Signals of organisations, for the apps that follow an organisation's data."""

from django.dispatch import Signal

# Sent by organisations.services inside the transaction that saved an organisation,
# with `organisation` and `user` (None for what the portal does by itself). The
# receivers write in that same transaction: a failure undoes the whole change.
organisation_saved = Signal()
