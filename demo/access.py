"""What the portal remembers of the demo people's earlier sign-ins.

Tom Peeters' right for Vormingscentrum Schelde lapsed 30 days ago (the stand-in's demo,
standin.demo). A portal that had been running would have seen him sign in while the right
was valid and again once it was gone, and kept a LapsedMembership: so that the "Geen
toegang" page names the right, the organisation and the dates, the demo records the same.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo.identities import DEMO_LAPSED_PERSON, DEMO_ORGANISATIONS, demo_subject
from organisations.models import Organisation
from portal.models import LapsedMembership, Membership


@transaction.atomic
def lapsed_right_demo_load():
    """Tom Peeters as the portal saw him: a provider right for Schelde, confirmed at a
    sign-in 32 days ago and missing at one 29 days ago. Idempotent; returns the record."""
    person = DEMO_LAPSED_PERSON
    subject = str(demo_subject(person["national_number"]))
    user, _created = get_user_model().objects.get_or_create(
        oidc_subject=subject,
        defaults={
            "username": f"demo-{person['first_name']}-{person['last_name']}".lower(),
            "first_name": person["first_name"],
            "last_name": person["last_name"],
        },
    )
    if _created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    schelde = Organisation.objects.get(kbo_number=DEMO_ORGANISATIONS[0][0])
    now = timezone.now()
    lapsed, _created = LapsedMembership.objects.get_or_create(
        user=user,
        organisation=schelde,
        profile=Membership.Profile.PROVIDER,
        defaults={
            "last_confirmed_at": now - datetime.timedelta(days=32),
            "missing_since": now - datetime.timedelta(days=29),
        },
    )
    return lapsed
