"""The queue of bank-account changes in the admin and each change's review page.

Sam decides (superuser), Vera may only look (view permission), Alice asked for the
change as the provider. Victor is a verifier of bank accounts (the role), Olga an
auditor, Paul a processor of dossiers (no right on bank accounts).
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import transitions
from portal.roles import AUDITOR, PROCESSOR, VERIFIER
from providers.models import BankAccountChange
from providers.services import (
    bank_account_change_reject,
    bank_account_change_request,
    bank_account_change_verify,
)
from tests.factories import MembershipFactory, UserFactory
from tests.providers.conftest import OTHER_IBAN, VALID_IBAN

THIRD_IBAN = "BE35310123456737"

QUEUE = reverse("admin:providers_bankaccountchange_changelist")
Status = BankAccountChange.Status


@pytest.fixture
def superuser(sam, organisation):
    """Sam decides, and also works for Acme: he can ask for a change himself, for the
    four-eyes tests."""
    sam.is_superuser = True
    sam.save()
    MembershipFactory(user=sam, organisation=organisation)
    return sam


@pytest.fixture
def vera(db):
    vera = UserFactory(username="vera", first_name="Vera", last_name="VLAIO", is_staff=True)
    vera.user_permissions.add(Permission.objects.get(codename="view_bankaccountchange"))
    return vera


def staff_in_role(username, role, **fields):
    user = UserFactory(username=username, is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role.name))
    return user


@pytest.fixture
def victor(db):
    return staff_in_role("victor", VERIFIER, first_name="Victor", last_name="VLAIO")


@pytest.fixture
def olga(db):
    return staff_in_role("olga", AUDITOR, first_name="Olga", last_name="VLAIO")


@pytest.fixture
def paul(db):
    return staff_in_role("paul", PROCESSOR, first_name="Paul", last_name="VLAIO")


@pytest.fixture
def change(provider, alice):
    return bank_account_change_request(
        service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=alice
    )


def decision_url(change, name):
    return reverse(f"admin:providers_bankaccountchange_{name}", args=[change.pk])


def change_url(change):
    return reverse("admin:providers_bankaccountchange_change", args=[change.pk])


def test_the_queue_opens_on_the_pending_changes(client, superuser, change, provider, alice):
    bank_account_change_request(
        service_provider=provider, iban="BE35310123456737", bic="", requested_by=alice
    )
    client.force_login(superuser)

    response = client.get(QUEUE)

    assert [c.status for c in response.context["cl"].result_list] == ["pending"]
    everything = client.get(QUEUE, {"status": "all"})
    assert len(everything.context["cl"].result_list) == 2


def test_the_queue_has_no_bulk_decisions(client, superuser, change):
    client.force_login(superuser)

    response = client.get(QUEUE)

    assert response.context["action_form"] is None
    assert 'name="action"' not in response.content.decode()


def test_a_pending_change_offers_verify_and_reject_on_its_review_page(client, superuser, change):
    client.force_login(superuser)

    response = client.get(change_url(change))

    assert response.status_code == 200
    assert [d["action"].label for d in response.context["decisions"]] == [
        "Goedkeuren",
        "Weigeren",
    ]
    text = response.content.decode()
    assert f'action="{decision_url(change, "verify")}"' in text
    assert f'action="{decision_url(change, "reject")}"' in text
    # Refusing is red; approving is the primary button.
    assert 'value="Weigeren" class="button-danger"' in text
    assert 'value="Goedkeuren" class="default"' in text


def test_the_review_page_shows_both_accounts_masked_and_who_asked_by_name(
    client, victor, change, organisation, alice
):
    client.force_login(victor)

    text = client.get(change_url(change)).content.decode()

    assert "BE** **** **** 6769" in text  # the active account
    assert "BE** **** **** 6727" in text  # the new one
    assert VALID_IBAN not in text
    assert OTHER_IBAN not in text
    assert "GEBABEBB" in text
    assert "Alice Peeters" in text
    assert alice.username not in text
    assert f"Acme (KBO {organisation.kbo_display})" in text
    assert "Wat u controleert" in text
    assert "Alice Peeters mag volgens ACM optreden als dienstverlener" in text


def test_the_review_page_lists_the_organisations_earlier_changes_and_who_decided(
    client, victor, sam, provider, alice
):
    first = bank_account_change_request(
        service_provider=provider, iban=THIRD_IBAN, bic="", requested_by=alice
    )
    bank_account_change_reject(change=first, decided_by=sam, reason="Niet op naam van Acme")
    current = bank_account_change_request(
        service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=alice
    )
    client.force_login(victor)

    response = client.get(change_url(current))

    assert [item["change"] for item in response.context["earlier_changes"]] == [first]
    text = response.content.decode()
    assert "Niet op naam van Acme" in text
    assert "Sam VLAIO" in text
    assert "BE** **** **** 6737" in text


def test_the_review_page_takes_the_same_number_of_queries_however_long_the_history(
    client, victor, sam, provider, alice
):
    def review_queries():
        current = BankAccountChange.objects.pending().get()
        client.force_login(victor)
        client.get(change_url(current))  # the session written once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(change_url(current)).status_code == 200
        return len(queries)

    bank_account_change_request(
        service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=alice
    )
    short = review_queries()
    for iban in [THIRD_IBAN, OTHER_IBAN, THIRD_IBAN]:
        pending = BankAccountChange.objects.pending().get()
        bank_account_change_reject(change=pending, decided_by=sam, reason="Nee")
        bank_account_change_request(
            service_provider=provider, iban=iban, bic="", requested_by=colleague_of(provider)
        )

    assert review_queries() == short


def colleague_of(provider):
    user = UserFactory(first_name="Collega", last_name="Acme")
    MembershipFactory(user=user, organisation=provider.organisation)
    return user


def test_a_verifier_verifies_a_change_on_its_review_page(
    client, victor, change, provider, django_capture_on_commit_callbacks
):
    client.force_login(victor)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decision_url(change, "verify"), follow=True)

    change.refresh_from_db()
    provider.refresh_from_db()
    assert change.status == Status.VERIFIED
    assert change.decided_by == victor
    assert provider.iban == OTHER_IBAN
    assert response.redirect_chain[-1][0] == change_url(change)
    text = response.content.decode()
    assert "Het rekeningnummer is goedgekeurd en actief voor betalingen." in text
    assert response.context["decisions"] == []
    event = change.events.get(action="verify")
    assert (event.actor, event.from_status, event.to_status) == (
        victor,
        Status.PENDING,
        Status.VERIFIED,
    )
    assert len(mail.outbox) == 1


def test_refusing_without_a_reason_says_so_next_to_the_field_in_dutch(client, victor, change):
    client.force_login(victor)

    response = client.post(decision_url(change, "reject"), {"reason": "  "})

    assert response.status_code == 200
    assert response.templates[0].name == "admin/providers/bankaccountchange/review.html"
    reject = next(d for d in response.context["decisions"] if d["action"].name == "reject")
    assert reject["form"].errors["reason"] == ["Geef een reden op voor de weigering."]
    text = response.content.decode()
    assert "Geef een reden op voor de weigering." in text
    assert "<title>Fout:" in text
    change.refresh_from_db()
    assert change.status == Status.PENDING


def test_refusing_with_a_reason_rejects_the_change(client, victor, change, provider):
    client.force_login(victor)

    response = client.post(
        decision_url(change, "reject"),
        {"reason": "Rekening niet op naam van de onderneming"},
        follow=True,
    )

    change.refresh_from_db()
    provider.refresh_from_db()
    assert change.status == Status.REJECTED
    assert change.reason == "Rekening niet op naam van de onderneming"
    assert change.events.get(action="reject").reason == change.reason
    assert provider.iban == VALID_IBAN
    assert "Het rekeningnummer is geweigerd." in response.content.decode()


def test_the_requester_sees_no_decision_and_a_post_is_refused(client, superuser, provider):
    own = bank_account_change_request(
        service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=superuser
    )
    client.force_login(superuser)

    page = client.get(change_url(own))
    response = client.post(decision_url(own, "verify"), follow=True)

    assert page.context["decisions"] == []
    assert "U vroeg deze wijziging zelf aan" in page.content.decode()
    own.refresh_from_db()
    provider.refresh_from_db()
    assert own.status == BankAccountChange.Status.PENDING
    assert provider.iban == VALID_IBAN
    assert "niet zelf goedkeuren" in response.content.decode()


def test_the_requester_cannot_reject_in_the_admin_either(client, superuser, provider):
    own = bank_account_change_request(
        service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=superuser
    )
    client.force_login(superuser)

    response = client.post(decision_url(own, "reject"), {"reason": "Toch niet"}, follow=True)

    own.refresh_from_db()
    assert own.status == BankAccountChange.Status.PENDING
    assert "niet zelf goedkeuren of weigeren" in response.content.decode()


def test_the_service_refuses_the_requester_whatever_door_they_use(superuser, provider):
    own = bank_account_change_request(
        service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=superuser
    )

    with pytest.raises(transitions.TransitionError, match="niet zelf goedkeuren"):
        bank_account_change_verify(change=own, decided_by=superuser)
    with pytest.raises(transitions.TransitionError):
        bank_account_change_reject(change=own, decided_by=superuser, reason="Toch niet")

    own.refresh_from_db()
    assert own.status == Status.PENDING


def test_the_service_refuses_staff_without_the_verifier_role(paul, olga, change):
    for user in (paul, olga):
        with pytest.raises(transitions.TransitionError):
            bank_account_change_verify(change=change, decided_by=user)

    change.refresh_from_db()
    assert change.status == Status.PENDING


def test_a_decided_change_offers_no_decision_and_refuses_one(client, superuser, change):
    client.force_login(superuser)
    client.post(decision_url(change, "reject"), {"reason": "Bewijs ontbreekt"})

    page = client.get(change_url(change))
    response = client.post(decision_url(change, "verify"), follow=True)

    assert page.context["decisions"] == []
    assert "Bewijs ontbreekt" in page.content.decode()
    assert response.redirect_chain[-1][0] == change_url(change)
    assert [str(message) for message in response.context["messages"]] == [
        "'Goedkeuren' kan niet bij een aanvraag met status 'geweigerd'. De pagina toont de "
        "beslissingen die nu mogelijk zijn."
    ]
    change.refresh_from_db()
    assert change.status == Status.REJECTED


def test_the_auditor_sees_the_review_page_read_only(client, olga, change, provider):
    client.force_login(olga)

    page = client.get(change_url(change))

    assert page.status_code == 200
    assert page.context["decisions"] == []
    text = page.content.decode()
    assert "Beslissen doet een verificateur van rekeningnummers" in text
    assert decision_url(change, "verify") not in text
    assert 'value="Goedkeuren"' not in text
    assert 'value="Weigeren"' not in text
    assert client.post(decision_url(change, "verify")).status_code == 403
    assert client.post(decision_url(change, "reject"), {"reason": "x"}).status_code == 403
    change.refresh_from_db()
    assert change.status == Status.PENDING


def test_staff_without_the_verifier_role_get_403(client, paul, change):
    client.force_login(paul)

    assert client.get(change_url(change)).status_code == 403
    assert client.get(QUEUE).status_code == 403
    assert client.post(decision_url(change, "verify")).status_code == 403


def test_staff_who_may_only_view_see_no_buttons_and_get_403_on_a_decision(
    client, vera, change, provider
):
    client.force_login(vera)

    change_page = client.get(change_url(change))
    assert change_page.status_code == 200
    assert change_page.context["decisions"] == []
    assert decision_url(change, "verify") not in change_page.content.decode()

    assert client.get(decision_url(change, "verify")).status_code == 403
    assert client.post(decision_url(change, "verify")).status_code == 403
    assert client.post(decision_url(change, "reject"), {"reason": "x"}).status_code == 403
    change.refresh_from_db()
    provider.refresh_from_db()
    assert change.status == Status.PENDING
    assert provider.iban == VALID_IBAN


def test_nothing_of_a_change_is_posted_to_its_review_page(client, victor, change):
    client.force_login(victor)

    assert client.post(change_url(change), {"status": "verified"}).status_code == 403
    change.refresh_from_db()
    assert change.status == Status.PENDING


def test_the_queue_shows_the_accounts_masked_and_the_organisation_with_its_kbo(
    client, victor, change, organisation
):
    client.force_login(victor)

    text = client.get(QUEUE).content.decode()

    assert "BE** **** **** 6727" in text
    assert OTHER_IBAN not in text
    assert f"Acme (KBO {organisation.kbo_display})" in text
    assert "Alice Peeters" in text


def test_a_provider_user_is_sent_to_the_admin_login(client, alice, change):
    client.force_login(alice)

    response = client.post(decision_url(change, "verify"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    change.refresh_from_db()
    assert change.status == Status.PENDING


def test_the_service_provider_history_page_opens_in_the_admin(client, superuser, provider):
    client.force_login(superuser)
    url = reverse("admin:providers_serviceprovider_history", args=[provider.pk])
    assert client.get(url).status_code == 200
