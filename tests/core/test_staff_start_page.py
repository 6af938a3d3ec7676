"""The staff start page (the admin index): the work queues with their counts, and no
technical sections for staff.

Mia is the demo's `medewerker` (reviewer, processor and verifier), Olga the auditor,
Mo the operator of the mails; Sam administers (superuser).
"""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import OutboxMail
from portal.roles import AUDITOR, MAIL_OPERATOR, PROCESSOR, REVIEWER, ROLES, VERIFIER
from projects.models import Project
from providers.services import bank_account_change_request
from tests.factories import (
    MembershipFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
    make_superuser,
)
from tests.projects.domain_support import project_in

pytestmark = pytest.mark.django_db
INDEX = reverse("admin:index")
TECHNICAL_SECTIONS = [
    "OAuth",
    "Django OAuth Toolkit",
    "oauth2_provider",
    "Axes",
    "Access attempts",
    "Toegangspogingen",
]


def staff(username, *roles):
    user = UserFactory(username=username, is_staff=True)
    user.groups.set(Group.objects.filter(name__in=[role.name for role in roles]))
    return user


@pytest.fixture
def mia(db):
    return staff("mia", REVIEWER, PROCESSOR, VERIFIER)


@pytest.fixture
def olga(db):
    return staff("olga", AUDITOR)


@pytest.fixture
def mo(db):
    return staff("mo", MAIL_OPERATOR)


@pytest.fixture
def work(settings, tmp_path):
    """Something in every queue: two requests to review, a bank account to verify, a
    dossier whose deposit arrived and one fully paid, a failed mail; and rows that
    wait for nobody on the agency's side."""
    settings.MEDIA_ROOT = tmp_path
    RegistrationFactory()
    RegistrationFactory()
    RegistrationFactory(approved=True)
    membership = MembershipFactory()
    provider = ServiceProviderFactory(organisation=membership.organisation)
    bank_account_change_request(
        service_provider=provider, iban="BE48001123456727", bic="", requested_by=membership.user
    )
    project_in(Project.Status.DEPOSITED)
    project_in(Project.Status.PAID)
    project_in(Project.Status.GRANTED)
    failed = OutboxMail.objects.latest("pk")
    OutboxMail.objects.filter(pk=failed.pk).update(
        status=OutboxMail.Status.FAILED, attempts=10, last_error="SMTPServerDisconnected"
    )


def queues(response):
    return {queue["label"]: (queue["count"], queue["may_act"]) for queue in _queues(response)}


def _queues(response):
    # The template tag's result, as the template received it.
    for context in response.context:
        if "queues" in context:
            return context["queues"]
    return []


def test_the_medewerker_sees_the_queues_of_their_roles_with_counts(client, mia, work):
    client.force_login(mia)

    response = client.get(INDEX)

    assert queues(response) == {
        "Registraties te beoordelen": (2, True),
        "Bankrekeningen te verifiëren": (1, True),
        "Steundossiers te behandelen": (2, True),
    }
    text = response.content.decode()
    assert "Bankrekeningen te verifiëren (1)" in text
    assert "Mislukte e-mails" not in text


def test_each_queue_links_to_the_change_list_of_exactly_its_rows(client, mia, work):
    client.force_login(mia)

    for queue in _queues(client.get(INDEX)):
        listed = client.get(queue["url"])
        assert listed.status_code == 200, queue["label"]
        assert listed.context["cl"].result_count == queue["count"], queue["label"]


def test_the_auditor_sees_every_count_read_only(client, olga, work):
    client.force_login(olga)

    response = client.get(INDEX)

    assert queues(response) == {
        "Registraties te beoordelen": (2, False),
        "Bankrekeningen te verifiëren": (1, False),
        "Steundossiers te behandelen": (2, False),
        "Mislukte e-mails": (1, False),
    }
    assert "alleen inzage" in response.content.decode()


def test_the_mail_operator_sees_only_the_failed_mails(client, mo, work):
    client.force_login(mo)

    assert queues(client.get(INDEX)) == {"Mislukte e-mails": (1, True)}


def test_staff_without_a_role_see_no_queue(client, work):
    client.force_login(staff("nobody"))

    response = client.get(INDEX)

    assert response.status_code == 200
    assert queues(response) == {}


def test_the_start_page_takes_the_same_number_of_queries_however_much_work_waits(
    client, olga, settings, tmp_path
):
    def index_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INDEX).status_code == 200
        return len(captured)

    client.force_login(olga)
    client.get(INDEX)  # the session written once
    empty = index_queries()
    settings.MEDIA_ROOT = tmp_path
    for _ in range(3):
        RegistrationFactory()
        project_in(Project.Status.DEPOSITED)

    assert index_queries() == empty


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.key)
def test_no_role_shows_a_technical_section(client, role):
    client.force_login(staff("someone", role))

    text = client.get(INDEX).content.decode()

    for section in TECHNICAL_SECTIONS:
        assert section not in text, (role.key, section)


def test_the_medewerker_has_no_oauth_section(client, mia):
    client.force_login(mia)

    response = client.get(INDEX)

    labels = {app["app_label"] for app in response.context["app_list"]}
    assert "oauth2_provider" not in labels
    assert "axes" not in labels
    assert "OAuth" not in response.content.decode()


def test_no_role_holds_a_permission_of_a_technical_app():
    business_apps = {
        "core",
        "organisations",
        "portal",
        "providers",
        "establishments",
        "registrations",
        "projects",
    }
    for role in ROLES:
        apps = {permission.split(".")[0] for permission in role.permissions}
        assert apps <= business_apps, role.key


def test_a_superuser_still_reaches_the_technical_sections(client, sam):
    client.force_login(make_superuser(sam))

    labels = {app["app_label"] for app in client.get(INDEX).context["app_list"]}

    assert {"oauth2_provider", "axes"} <= labels
