"""Every admin URL by every kind of staff member: what each may do, GET and POST.

The URLs come from the admin site itself (each ModelAdmin's named URLs, the decision
pages and the audit-report download included), so a new admin page is walked
without touching this file. Its expectation comes from CAPABILITIES: what each
person may do per model. An admin URL of an unknown kind, or of a model without a
row in `rows`, fails the test.

Outcomes: OK (200, or a redirect within the admin), DENIED (403), LOGIN (redirect
to the admin's sign-in: not staff), NOT_FOUND (an app index with nothing the
person may see). Every request runs in a savepoint that is rolled back, so a POST
that is allowed (a decision, a deletion) does not change what the next one finds.
"""

import datetime
import uuid

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import URLPattern, reverse
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken

from core.models import OutboxMail
from establishments.models import Establishment
from organisations.models import LegalForm, Organisation, Postcode
from portal.models import Membership, User
from portal.roles import AUDITOR, MAIL_OPERATOR, PROCESSOR, RATES_MANAGER, REVIEWER, VERIFIER
from projects.models import AnnualCeiling, EligibilityRule, Project, SubsidyRate
from providers.models import BankAccountChange, ServiceProvider, Vakgebied
from providers.services import bank_account_change_request
from registrations.models import Registration
from standin.demo import register_client
from tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    ProjectFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OK, DENIED, LOGIN, NOT_FOUND = "ok", "403", "login", "404"

# What a URL needs, by the last part of its name, for GET and for POST.
VIEW, DECIDE, ADD, CHANGE, DELETE = "view", "decide", "add", "change", "delete"
NEVER = "never"
NEEDS = {
    "changelist": (VIEW, VIEW),  # a POST without an action changes nothing
    "add": (ADD, ADD),
    "change": (VIEW, CHANGE),
    "delete": (DELETE, DELETE),
    "history": (VIEW, VIEW),
    "simple_history": (VIEW, NEVER),  # the version page: no revert, for anyone
    "audit_report": (VIEW, VIEW),
    # The outbox's resend (core.admin.OutboxMailAdmin): a confirmation page and its POST.
    "resend": (DECIDE, DECIDE),
    "password_change": (CHANGE, CHANGE),
}
EVERYTHING = frozenset({VIEW, ADD, CHANGE, DELETE})

CAPABILITIES = {
    "anonymous": None,
    "provider user": None,
    "staff without a role": {},
    REVIEWER.key: {
        Registration: {VIEW, DECIDE},
        Organisation: {VIEW},
        ServiceProvider: {VIEW},
        Establishment: {VIEW},
    },
    PROCESSOR.key: {
        Project: {VIEW, DECIDE},
        SubsidyRate: {VIEW},
        AnnualCeiling: {VIEW},
        EligibilityRule: {VIEW},
        Organisation: {VIEW},
        ServiceProvider: {VIEW},
    },
    VERIFIER.key: {
        BankAccountChange: {VIEW, DECIDE},
        Organisation: {VIEW},
        ServiceProvider: {VIEW},
    },
    RATES_MANAGER.key: {
        SubsidyRate: {VIEW, ADD, CHANGE},
        AnnualCeiling: {VIEW, ADD, CHANGE},
        EligibilityRule: {VIEW, ADD, CHANGE},
    },
    MAIL_OPERATOR.key: {
        OutboxMail: {VIEW, DECIDE},
    },
    AUDITOR.key: dict.fromkeys(
        [
            OutboxMail,
            Organisation,
            LegalForm,
            Postcode,
            Membership,
            ServiceProvider,
            Vakgebied,
            BankAccountChange,
            Establishment,
            Registration,
            Project,
            SubsidyRate,
            AnnualCeiling,
            EligibilityRule,
        ],
        frozenset({VIEW}),
    ),
    "superuser": {
        # Decided on their pages, never edited, added or deleted in the admin.
        Registration: {VIEW, DECIDE},
        Project: {VIEW, DECIDE},
        BankAccountChange: {VIEW, DECIDE},
        # Written by core.mail and its worker; resent on its page, never edited.
        OutboxMail: {VIEW, DECIDE},
        # Owned by the providers and ACM: shown, not edited.
        ServiceProvider: {VIEW},
        Establishment: {VIEW},
        Membership: {VIEW},
        Postcode: {VIEW},
        # Through organisation_update; never deleted.
        Organisation: {VIEW, ADD, CHANGE},
        User: EVERYTHING,
        # The row walked is a role: defined in code, never edited in the admin.
        Group: {VIEW, ADD},
        LegalForm: EVERYTHING,
        Vakgebied: EVERYTHING,
        SubsidyRate: EVERYTHING,
        AnnualCeiling: EVERYTHING,
        EligibilityRule: EVERYTHING,
        # The development stand-in's OAuth tables, as django-oauth-toolkit's admin
        # offers them: tokens and codes come from the flows, never from a form.
        Application: EVERYTHING,
        Grant: {VIEW, CHANGE, DELETE},
        IDToken: {VIEW, CHANGE, DELETE},
        AccessToken: {VIEW, CHANGE},
        RefreshToken: {VIEW, CHANGE},
        # django-axes' records of admin sign-in failures: a superuser unlocks staff by
        # deleting an attempt; nobody adds one.
        AccessAttempt: {VIEW, CHANGE, DELETE},
        AccessFailureLog: {VIEW, CHANGE, DELETE},
        AccessLog: {VIEW, CHANGE, DELETE},
    },
}
ROLES = {
    role.key: role
    for role in [REVIEWER, PROCESSOR, VERIFIER, RATES_MANAGER, MAIL_OPERATOR, AUDITOR]
}


@pytest.fixture(autouse=True)
def _static_files_of_the_standin(live_server_static_files):
    """The stand-in's admin pages name its own scripts, which the collectstatic manifest of
    the production shape (no stand-in) does not hold: plain static storage, as for the
    live server."""


@pytest.fixture
def rows(settings, tmp_path):
    """One row of every model in the admin, and a historical version where it keeps one."""
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory()
    provider = ServiceProviderFactory(organisation=membership.organisation)
    change = bank_account_change_request(
        service_provider=provider, iban="BE48001123456727", bic="", requested_by=membership.user
    )
    application = register_client(
        client_id="matrix",
        client_secret="matrix-secret",
        redirect_uris=["http://127.0.0.1/cb/"],
        post_logout_redirect_uris=[],
        name="Matrix",
    )
    later = timezone.now() + datetime.timedelta(hours=1)
    user = membership.user
    id_token = IDToken.objects.create(
        user=user, application=application, jti=uuid.uuid4(), expires=later
    )
    access_token = AccessToken.objects.create(
        user=user, application=application, token="at", expires=later, id_token=id_token
    )
    signed_in_from = {
        "user_agent": "Matrix",
        "ip_address": "127.0.0.1",
        "username": "sam",
        "http_accept": "text/html",
        "path_info": "/admin/login/",
    }
    # The bank-account change's mail, failed: the one kind of row that may be resent.
    outbox_mail = OutboxMail.objects.latest("pk")
    OutboxMail.objects.filter(pk=outbox_mail.pk).update(
        status=OutboxMail.Status.FAILED, attempts=10, last_error="SMTPServerDisconnected"
    )
    return {
        OutboxMail: outbox_mail,
        AccessAttempt: AccessAttempt.objects.create(
            **signed_in_from, get_data="", post_data="", failures_since_start=1
        ),
        AccessFailureLog: AccessFailureLog.objects.create(**signed_in_from),
        AccessLog: AccessLog.objects.create(**signed_in_from),
        Registration: RegistrationFactory(service_provider=provider),
        Project: ProjectFactory(confirmed=True),
        BankAccountChange: change,
        ServiceProvider: provider,
        Establishment: EstablishmentFactory(organisation=membership.organisation),
        Organisation: membership.organisation,
        Membership: membership,
        User: user,
        Group: Group.objects.get(name=REVIEWER.name),
        Postcode: Postcode.objects.first(),
        LegalForm: LegalForm.objects.first(),
        Vakgebied: Vakgebied.objects.first(),
        SubsidyRate: SubsidyRate.objects.first(),
        AnnualCeiling: AnnualCeiling.objects.first(),
        EligibilityRule: EligibilityRule.objects.first(),
        Application: application,
        IDToken: id_token,
        AccessToken: access_token,
        RefreshToken: RefreshToken.objects.create(
            user=user, application=application, token="rt", access_token=access_token
        ),
        Grant: Grant.objects.create(
            user=user,
            application=application,
            code="code",
            expires=later,
            redirect_uri="http://127.0.0.1/cb/",
        ),
    }


@pytest.fixture
def person(request, db):
    """(who, user): a key of CAPABILITIES and the user, None when anonymous."""
    who = request.param
    if who == "anonymous":
        return who, None
    if who == "provider user":
        return who, MembershipFactory().user
    if who == "superuser":
        return who, UserFactory(username="root", is_staff=True, is_superuser=True)
    user = UserFactory(username=who.replace(" ", "-"), is_staff=True)
    if who in ROLES:
        user.groups.add(Group.objects.get(name=ROLES[who].name))
    return who, user


def admin_urls(rows):
    """(model, kind, url) for every named URL of every ModelAdmin of the site."""
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"{opts.app_label}_{opts.model_name}_"
        # The decision pages of core.admin.TransitionActionsMixin, named after the steps.
        declared = {action.name for action in getattr(model_admin, "transition_actions", list)()}
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            # Django's user admin names its password page after auth.User, whatever
            # the user model.
            name = pattern.name.replace("auth_user_", prefix)
            assert name.startswith(prefix), pattern.name
            suffix = name.removeprefix(prefix)
            kind = "decision" if suffix in declared else suffix
            assert kind in NEEDS or kind == "decision", f"no expectation for {pattern.name}"
            assert model in rows, f"no row of {opts.label} to walk its admin"
            obj = rows[model]
            yield model, kind, reverse(f"admin:{pattern.name}", args=_arguments(pattern, obj))


def _arguments(pattern, obj):
    """The object, and for a history version page one of its historical rows."""
    count = pattern.pattern.regex.groups
    if count == 2:
        return [obj.pk, obj.history.earliest("history_date").history_id]
    return [obj.pk][:count]


def expected(capabilities, model, kind, method):
    if capabilities is None:
        return LOGIN
    need = DECIDE if kind == "decision" else NEEDS[kind][0 if method == "get" else 1]
    return OK if need in capabilities.get(model, set()) else DENIED


def outcome(client, method, url):
    with transaction.atomic():
        response = getattr(client, method)(url)
        if response.streaming:
            # A download (the audit report): reading it to the end closes the file. The
            # test client does that without the signal that would close the connection.
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    if response.status_code == 302:
        location = response["Location"]
        return LOGIN if location.startswith(reverse("admin:login")) else OK
    return {200: OK, 403: DENIED, 404: NOT_FOUND}.get(
        response.status_code, f"HTTP {response.status_code}"
    )


@pytest.mark.parametrize("person", list(CAPABILITIES), indirect=True)
def test_every_admin_url_answers_each_person_as_their_rights_say(client, person, rows):
    who, user = person
    capabilities = CAPABILITIES[who]
    if user is not None:
        client.force_login(user)
    wrong = []
    walked = 0
    for model, kind, url in admin_urls(rows):
        for method in ("get", "post"):
            want = expected(capabilities, model, kind, method)
            got = outcome(client, method, url)
            walked += 1
            if got != want:
                wrong.append(
                    f"{method.upper()} {url} ({model._meta.label} {kind}): {got}, not {want}"
                )
    assert walked > 200
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("person", list(CAPABILITIES), indirect=True)
def test_the_admin_index_and_app_pages_show_only_what_each_may_see(client, person, rows):
    who, user = person
    capabilities = CAPABILITIES[who]
    if user is not None:
        client.force_login(user)
    wrong = []
    apps = {model._meta.app_label for model in admin.site._registry}
    for app_label in sorted(apps):
        url = reverse("admin:app_list", args=[app_label])
        if capabilities is None:
            want = LOGIN
        else:
            visible = {
                model for model, can in capabilities.items() if VIEW in can or CHANGE in can
            }
            want = (
                OK if any(model._meta.app_label == app_label for model in visible) else NOT_FOUND
            )
        got = outcome(client, "get", url)
        if got != want:
            wrong.append(f"{url}: {got}, not {want}")
    assert outcome(client, "get", reverse("admin:index")) == (
        LOGIN if capabilities is None else OK
    )
    assert not wrong, "\n".join(wrong)
