"""No history revert around the services (issue 13, second finding).

django-simple-history's admin offers to "revert" a row to an older version: its
version page saves the old row as it was. On a service provider that puts an old
IBAN back without a verified BankAccountChange; on a bank-account change it undoes
a decision. Its setting SIMPLE_HISTORY_REVERT_DISABLED only hides the button (the
version page still saves a POST), so every history admin of the portal refuses the
POST itself (core.admin.HistoryAdmin). The history stays viewable.
"""

import pytest
from django.contrib import admin
from django.core import checks
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from core.admin import HistoryAdmin
from core.checks import check_history_admins
from establishments.models import Establishment
from establishments.services import establishment_update
from organisations.models import Organisation
from organisations.services import organisation_update
from portal.roles import AUDITOR, VERIFIER
from providers.models import BankAccountChange, ServiceProvider
from providers.services import bank_account_change_request, bank_account_change_verify
from tests.factories import EstablishmentFactory, ServiceProviderFactory, UserFactory
from tests.security.conftest import form_data

pytestmark = pytest.mark.django_db

OLD_IBAN = "BE71096123456769"  # Belfius, GKCCBEBB
NEW_IBAN = "BE48001123456727"  # BNP Paribas Fortis, GEBABEBB


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def version_url(obj, record):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, record.history_id],
    )


@pytest.fixture
def provider(acme):
    return ServiceProviderFactory(organisation=acme, iban=OLD_IBAN, bic="GKCCBEBB")


@pytest.fixture
def verified_change(provider, alice, staff_with_roles):
    """Acme's provider moved to NEW_IBAN: asked by Alice, verified by a verifier."""
    change = bank_account_change_request(
        service_provider=provider, iban=NEW_IBAN, bic="", requested_by=alice
    )
    return bank_account_change_verify(change=change, decided_by=staff_with_roles(VERIFIER))


def revert(client, attacker, superuser, obj, record):
    """POST the version page of `record` as `attacker`, with the form the superuser sees."""
    url = version_url(obj, record)
    client.force_login(superuser)
    page = client.get(url)
    data = form_data(page) if page.status_code == 200 else {}
    client.force_login(attacker)
    return client.post(url, data)


@pytest.mark.parametrize("attacker", ["superuser", "mallory"])
def test_a_history_revert_cannot_put_an_old_iban_back(
    client, request, attacker, superuser, provider, verified_change
):
    provider.refresh_from_db()
    assert provider.iban == NEW_IBAN
    with_old_iban = provider.history.filter(iban=OLD_IBAN).earliest("history_date")

    response = revert(
        client, request.getfixturevalue(attacker), superuser, provider, with_old_iban
    )

    assert response.status_code == 403
    provider.refresh_from_db()
    assert provider.iban == NEW_IBAN
    assert not BankAccountChange.objects.filter(new_iban=OLD_IBAN).exists()


def test_a_view_only_staff_member_reaches_no_revert(
    client, superuser, staff_with_roles, verified_change
):
    auditor = staff_with_roles(AUDITOR)
    pending = verified_change.history.filter(status=BankAccountChange.Status.PENDING).earliest(
        "history_date"
    )
    client.force_login(auditor)

    page = client.get(version_url(verified_change, pending))
    response = revert(client, auditor, superuser, verified_change, pending)

    assert page.status_code == 200
    assert not page.context["change_history"]
    assert page.context["revert_disabled"]
    assert response.status_code == 403
    verified_change.refresh_from_db()
    assert verified_change.status == BankAccountChange.Status.VERIFIED
    assert verified_change.decided_by is not None


def test_not_even_a_superuser_reverts_a_bank_account_decision(client, superuser, verified_change):
    pending = verified_change.history.filter(status=BankAccountChange.Status.PENDING).earliest(
        "history_date"
    )

    response = revert(client, superuser, superuser, verified_change, pending)

    assert response.status_code == 403
    verified_change.refresh_from_db()
    assert verified_change.status == BankAccountChange.Status.VERIFIED


def test_an_organisation_is_not_reverted_to_an_older_address(client, superuser, acme):
    organisation_update(
        organisation=acme, data={"street": "Veldstraat", "house_number": "2"}, user=superuser
    )
    older = acme.history.earliest("history_date")

    response = revert(client, superuser, superuser, acme, older)

    assert response.status_code == 403
    acme.refresh_from_db()
    assert acme.street == "Veldstraat"


def test_an_establishment_is_not_reverted_to_an_older_version(client, superuser, acme, alice):
    establishment = EstablishmentFactory(organisation=acme, phone="")
    establishment_update(
        establishment=establishment,
        data={"phone": "+3292345678"},
        expected_version=establishment.version,
        user=alice,
    )
    older = establishment.history.earliest("history_date")

    response = revert(client, superuser, superuser, establishment, older)

    assert response.status_code == 403
    establishment.refresh_from_db()
    assert establishment.phone == "+3292345678"


def test_the_history_stays_viewable_without_a_revert_button(
    client, superuser, provider, verified_change
):
    client.force_login(superuser)
    record = provider.history.earliest("history_date")

    listing = client.get(history_url(provider))
    version = client.get(version_url(provider, record))

    assert listing.status_code == 200
    assert listing.context["revert_disabled"]
    assert version.status_code == 200
    assert version.context["revert_disabled"]
    assert "Revert" not in version.content.decode()
    # The old version is shown as it was, read-only.
    assert OLD_IBAN in version.content.decode()
    assert not version.context["adminform"].form.fields


@pytest.mark.parametrize(
    "model", [Organisation, ServiceProvider, BankAccountChange, Establishment]
)
def test_every_model_whose_changes_go_through_services_has_a_history_without_revert(model):
    model_admin = admin.site._registry[model]

    assert isinstance(model_admin, HistoryAdmin)


def test_every_history_admin_of_the_site_refuses_reverts():
    history_admins = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]

    assert history_admins
    assert all(isinstance(model_admin, HistoryAdmin) for model_admin in history_admins)
    assert check_history_admins() == []


def test_the_system_check_reports_a_history_admin_with_revert():
    site = admin.AdminSite(name="elsewhere")
    site.register(Organisation, SimpleHistoryAdmin)

    errors = check_history_admins(site=site)

    assert [error.id for error in errors] == ["core.E004"]
    assert isinstance(errors[0], checks.Error)


def test_a_user_who_may_not_view_gets_no_history(client, provider):
    client.force_login(UserFactory(username="walter", is_staff=True))

    assert client.get(history_url(provider)).status_code == 403
    record = provider.history.earliest("history_date")
    assert client.get(version_url(provider, record)).status_code == 403
