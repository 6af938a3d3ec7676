"""Staff see people by name in the admin, never by the OIDC subject.

Alice signs in through ACM: her username is a hash of her subject ("oidc-…"), her name
is what ACM gave at sign-in. She files a registration, a dossier and a bank-account
change; Sam (superuser) walks the admin pages of each, their events and histories.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from core.people import user_display
from organisations.models import Organisation
from portal.oidc.claims import user_sync_from_claims
from projects.models import Project, ProjectEvent
from providers.services import bank_account_change_request
from registrations.models import RegistrationEvent
from tests.factories import (
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
    make_superuser,
)
from tests.portal.oidc_support import provider_right
from tests.projects.domain_support import project_in

pytestmark = pytest.mark.django_db

KBO = "0123456749"
NEW_IBAN = "BE48001123456727"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def alice_oidc():
    """Alice as the OIDC sign-in creates her: the same code path, the same username."""
    user = user_sync_from_claims(
        claims={
            "sub": "815bae4c-alice",
            "given_name": "Alice",
            "family_name": "Peeters",
            "email": "alice@acme.example",
            settings.OIDC_ROLE_CLAIM: [provider_right(KBO)],
        }
    )
    assert user.username.startswith("oidc-")
    return user


@pytest.fixture
def provider(alice_oidc):
    organisation = Organisation.objects.get(kbo_number=KBO)  # created at her sign-in
    return ServiceProviderFactory(
        organisation=organisation, name="Acme Advies", iban="BE71096123456769", bic="GKCCBEBB"
    )


@pytest.fixture
def staff(client, sam):
    client.force_login(make_superuser(sam))
    return sam


def admin_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_shows_the_name_not_the_subject(client, url, user):
    page = admin_page(client, url)
    assert "Alice Peeters" in page, url
    assert user.username not in page, url
    assert "oidc-" not in page, url


def assert_never_shows_the_subject(client, url, user):
    page = admin_page(client, url)
    assert user.username not in page, url
    assert "oidc-" not in page, url


def test_a_registration_names_the_declarant_and_the_actor_of_its_events(
    client, staff, provider, alice_oidc
):
    registration = RegistrationFactory(
        service_provider=provider, declared_by=alice_oidc, declared_by_name="Alice Peeters"
    )
    RegistrationEvent.objects.create(
        registration=registration, action="request", to_status="pending", actor=alice_oidc
    )

    assert_never_shows_the_subject(
        client, reverse("admin:registrations_registration_changelist"), alice_oidc
    )
    assert_never_shows_the_subject(
        client,
        reverse("admin:registrations_registration_history", args=[registration.pk]),
        alice_oidc,
    )
    assert_shows_the_name_not_the_subject(
        client,
        reverse("admin:registrations_registration_change", args=[registration.pk]),
        alice_oidc,
    )


def test_a_dossier_names_who_filed_it_and_the_actor_of_its_events(
    client, staff, provider, alice_oidc
):
    project = project_in(Project.Status.SUBMITTED, service_provider=provider, filed_by=alice_oidc)
    ProjectEvent.objects.create(
        project=project, action="submit", to_status="submitted", actor=alice_oidc
    )

    assert_never_shows_the_subject(
        client, reverse("admin:projects_project_changelist"), alice_oidc
    )
    assert_never_shows_the_subject(
        client, reverse("admin:projects_project_history", args=[project.pk]), alice_oidc
    )
    assert_shows_the_name_not_the_subject(
        client, reverse("admin:projects_project_change", args=[project.pk]), alice_oidc
    )


def test_a_bank_account_change_names_who_asked_for_it(client, staff, provider, alice_oidc):
    change = bank_account_change_request(
        service_provider=provider, iban=NEW_IBAN, bic="", requested_by=alice_oidc
    )
    # In the portal, her request's middleware names her in the history of the change.
    change.history.update(history_user=alice_oidc)

    for url in [
        reverse("admin:providers_bankaccountchange_changelist"),
        reverse("admin:providers_bankaccountchange_change", args=[change.pk]),
        reverse("admin:providers_bankaccountchange_verify", args=[change.pk]),
        reverse("admin:providers_bankaccountchange_history", args=[change.pk]),
        reverse("admin:providers_serviceprovider_change", args=[provider.pk]),
    ]:
        assert_shows_the_name_not_the_subject(client, url, alice_oidc)


def test_a_person_is_named_by_the_name_acm_gave_or_a_staff_members_username():
    assert user_display(UserFactory.build(first_name="An", last_name="Willems")) == "An Willems"
    staff = UserFactory.build(
        username="medewerker", first_name="", last_name="", oidc_subject=None
    )
    assert user_display(staff) == "medewerker"
    nameless = UserFactory.build(
        username="oidc-abc", first_name="", last_name="", email="", oidc_subject="sub-x"
    )
    assert user_display(nameless) == "gebruiker zonder naam"
    assert str(nameless) == "gebruiker zonder naam"
