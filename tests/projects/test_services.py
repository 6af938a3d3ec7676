"""Every transition of a dossier: the allowed ones, the forbidden ones, what they record and
whom they e-mail; the annual ceiling across dossiers and years; payments."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import transitions
from core.transitions import TransitionError
from portal.models import Membership
from projects import services
from projects.models import Payment, Project, ProjectEvent
from projects.services import (
    project_build,
    project_close,
    project_confirm,
    project_grant,
    project_record_deposit,
    project_record_payment,
    project_refuse,
    project_stop,
)
from providers.models import Vakgebied
from tests.factories import MembershipFactory, UserFactory
from tests.projects.domain_support import (
    application,
    project_in,
    registered_provider,
    sme,
    submit,
)

pytestmark = pytest.mark.django_db
Status = Project.Status
Action = ProjectEvent.Action
D = Decimal
TODAY = timezone.localdate


@pytest.fixture
def provider():
    return registered_provider(name="Vormingscentrum Schelde", email="dv@schelde.example")


@pytest.fixture
def client_org():
    return sme()


@pytest.fixture
def an(client_org):
    """An files and stops for the SME."""
    user = UserFactory(
        username="an", first_name="An", last_name="Willems", email="an@korst.example"
    )
    MembershipFactory(user=user, organisation=client_org, profile=Membership.Profile.SME)
    return user


@pytest.fixture
def sofie(provider):
    """Sofie confirms and refuses for the provider."""
    user = UserFactory(username="sofie", first_name="Sofie", last_name="Maes")
    MembershipFactory(user=user, organisation=provider.organisation)
    return user


@pytest.fixture
def filed(provider, client_org, an, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project = submit(client=client_org, provider=provider, user=an)
    mail.outbox.clear()
    return project


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


# --- Filing ---------------------------------------------------------------------------------


def test_building_an_application_writes_nothing(provider, client_org, an):
    project = project_build(**application(client=client_org, provider=provider, user=an))
    assert project.pk is None
    assert project.subsidy_amount == D("600.00")
    assert project.quote.remaining == D("7500.00")
    assert Project.objects.count() == 0


def test_filing_stores_the_subsidy_a_number_and_an_event(
    provider, client_org, an, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(client=client_org, provider=provider, user=an)
        second = submit(client=client_org, provider=provider, user=an)
    year = TODAY().year
    assert first.number == f"KMO-{year}-000001"
    assert second.number == f"KMO-{year}-000002"
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED
    assert (first.subsidy_percentage, first.subsidy_amount, first.own_share) == (
        D("30.00"),
        D("600.00"),
        D("1400.00"),
    )
    assert first.confirmation_due_on == TODAY() + datetime.timedelta(days=30)
    event = first.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        Action.SUBMIT,
        "",
        Status.SUBMITTED,
        an,
    )
    # The provider is told, at the service provider's and its organisation's address.
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == ["dv@schelde.example", provider.organisation.email]
    assert f"Steundossier KMO-{year}-000001: ingediend" == mail.outbox[0].subject
    assert "Bevestig of weiger deze aanvraag" in mail.outbox[0].body


def test_the_confirmation_term_is_a_setting(provider, client_org, an, settings):
    settings.PROJECT_CONFIRMATION_DAYS = 10
    project = submit(client=client_org, provider=provider, user=an)
    assert project.confirmation_due_on == TODAY() + datetime.timedelta(days=10)


def test_a_refused_application_writes_nothing(provider, client_org, an):
    with pytest.raises(ValidationError):
        submit(client=client_org, provider=provider, user=an, company_size="large")
    assert Project.objects.count() == 0
    assert ProjectEvent.objects.count() == 0


# --- Filing: the rules that need other rows (project_build, not Project.clean) ---------


# Advice that is eligible before and after the reform of 1 February 2026.
CYBER_ADVICE = {"service_type": "A", "training_kind": "", "higher_rate_topic": "cybersecurity"}


def errors_of(provider, client_org, an, **overrides):
    with pytest.raises(ValidationError) as caught:
        project_build(**application(client=client_org, provider=provider, user=an, **overrides))
    return caught.value.message_dict


def test_it_refuses_a_vakgebied_outside_the_providers_selection(provider, client_org, an):
    errors = errors_of(provider, client_org, an, vakgebied=Vakgebied.objects.get(name="Talen"))
    assert errors["vakgebied"] == [
        "Kies een vakgebied uit de selectie van de dienstverlener Vormingscentrum Schelde."
    ]


def test_it_refuses_a_service_type_the_provider_is_not_registered_for(client_org, an):
    provider = registered_provider(service_types=["O"], name="Opleider")
    errors = errors_of(provider, client_org, an, **CYBER_ADVICE)
    assert errors["service_type"][0].startswith("Opleider is op ")
    assert "niet geregistreerd voor advies" in errors["service_type"][0]


def test_it_refuses_a_provider_whose_registration_has_not_started_on_the_filing_day(
    client_org, an
):
    provider = registered_provider(valid_from=TODAY() + datetime.timedelta(days=1))
    assert "service_type" in errors_of(provider, client_org, an)


def test_it_refuses_a_provider_whose_registration_is_suspended(client_org, an):
    provider = registered_provider()
    provider.registrations.filter(service_type="A").update(status="suspended")
    assert "service_type" in errors_of(provider, client_org, an, **CYBER_ADVICE)


def test_it_keeps_the_registration_in_force_on_the_filing_day(provider, client_org, an):
    project = project_build(
        **application(client=client_org, provider=provider, user=an, **CYBER_ADVICE)
    )
    assert project.registration.number == f"DV.A{provider.pk:06d}"
    assert project.provider_organisation == provider.organisation


def test_the_rules_of_both_kinds_are_reported_at_once(provider, client_org, an):
    errors = errors_of(
        provider,
        client_org,
        an,
        company_size="large",
        vakgebied=Vakgebied.objects.get(name="Talen"),
    )
    assert {"company_size", "vakgebied"} <= set(errors)


# --- The annual ceiling --------------------------------------------------------------------


def test_the_ceiling_counts_earlier_dossiers_of_the_year(provider, client_org, an):
    day = datetime.date(2026, 5, 4)

    def file(amount):
        return submit(
            client=client_org, provider=provider, user=an, filed_on=day, amount_excl_vat=D(amount)
        )

    assert file("10000.00").subsidy_amount == D("3000.00")
    assert file("10000.00").subsidy_amount == D("3000.00")
    capped = file("10000.00")
    assert capped.subsidy_amount == D("1500.00")
    assert capped.own_share == D("8500.00")
    with pytest.raises(ValidationError) as caught:
        file("100.00")
    assert caught.value.messages == [
        "Het steunplafond van € 7.500,00 voor 2026 is bereikt: Bakkerij De Gouden Korst heeft "
        "dit kalenderjaar al € 7.500,00 steun aangevraagd en kan dit jaar geen steun meer "
        "krijgen via de kmo-portefeuille."
    ]


def test_the_ceiling_starts_again_each_calendar_year(provider, client_org, an):
    december = submit(
        client=client_org,
        provider=provider,
        user=an,
        filed_on=datetime.date(2025, 12, 31),
        amount_excl_vat=D("30000.00"),
    )
    assert december.subsidy_amount == D("7500.00")
    january = submit(
        client=client_org,
        provider=provider,
        user=an,
        filed_on=datetime.date(2026, 1, 1),
        amount_excl_vat=D("30000.00"),
    )
    assert january.subsidy_amount == D("7500.00")


def test_refused_stopped_and_lapsed_dossiers_leave_the_ceiling_free(
    provider, client_org, an, sofie, sam
):
    day = datetime.date(2026, 5, 4)
    big = {"client": client_org, "provider": provider, "user": an, "filed_on": day}
    refused = submit(**big, amount_excl_vat=D("10000.00"))
    stopped = submit(**big, amount_excl_vat=D("10000.00"))
    lapsing = submit(**big, amount_excl_vat=D("10000.00"))
    project_refuse(project=refused, user=sofie, reason="related_enterprise")
    project_stop(project=stopped, user=an, reason="Opleiding gaat niet door")
    # Confirmed 31 days ago and nothing paid: lapsed from the dates alone.
    Project.objects.filter(pk=lapsing.pk).update(
        status=Status.CONFIRMED,
        confirmed_at=timezone.now() - datetime.timedelta(days=31),
        deposit_due_on=TODAY() - datetime.timedelta(days=1),
    )
    assert submit(**big, amount_excl_vat=D("25000.00")).subsidy_amount == D("7500.00")


def test_another_enterprise_has_its_own_ceiling(provider, client_org, an):
    submit(client=client_org, provider=provider, user=an, amount_excl_vat=D("30000.00"))
    garage = sme(name="Garage Peeters")
    MembershipFactory(user=an, organisation=garage, profile=Membership.Profile.SME)
    other = submit(client=garage, provider=provider, user=an)
    assert other.subsidy_amount == D("600.00")


# --- The happy path --------------------------------------------------------------------------


def test_a_dossier_goes_from_filing_to_closing(
    filed, an, sofie, sam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project_confirm(project=filed, user=sofie, remark="Tot dan!")
        assert filed.status == Status.CONFIRMED
        assert filed.deposit_due_on == TODAY() + datetime.timedelta(days=30)
        project_record_deposit(project=filed, user=sam, paid_on=TODAY())
        assert (filed.status, filed.deposit_paid_on) == (Status.DEPOSITED, TODAY())
        project_grant(project=filed, user=sam)
        assert filed.status == Status.GRANTED
        first = project_record_payment(
            project=filed, user=sam, amount=D("500.00"), paid_on=TODAY()
        )
        filed.refresh_from_db()
        assert (filed.status, filed.amount_paid, filed.amount_outstanding) == (
            Status.PARTIALLY_PAID,
            D("500.00"),
            D("1500.00"),
        )
        project_record_payment(project=filed, user=sam, amount="700", paid_on=TODAY())
        filed.refresh_from_db()
        assert filed.status == Status.PARTIALLY_PAID
        project_record_payment(project=filed, user=sam, amount=D("800.00"), paid_on=TODAY())
        filed.refresh_from_db()
        assert (filed.status, filed.paid_on, filed.amount_paid) == (
            Status.PAID,
            TODAY(),
            D("2000.00"),
        )
        project_close(project=filed, user=sam)
    assert filed.status == Status.CLOSED
    assert filed.closed_at is not None
    assert isinstance(first, Payment)
    assert filed.payments.count() == 3
    steps = list(filed.events.values_list("action", "from_status", "to_status", "actor"))
    assert steps == [
        (Action.SUBMIT, "", Status.SUBMITTED, an.pk),
        (Action.CONFIRM, Status.SUBMITTED, Status.CONFIRMED, sofie.pk),
        (Action.RECORD_DEPOSIT, Status.CONFIRMED, Status.DEPOSITED, sam.pk),
        (Action.GRANT, Status.DEPOSITED, Status.GRANTED, sam.pk),
        (Action.RECORD_PAYMENT, Status.GRANTED, Status.PARTIALLY_PAID, sam.pk),
        (Action.RECORD_PAYMENT, Status.PARTIALLY_PAID, Status.PARTIALLY_PAID, sam.pk),
        (Action.RECORD_PAYMENT, Status.PARTIALLY_PAID, Status.PAID, sam.pk),
        (Action.CLOSE, Status.PAID, Status.CLOSED, sam.pk),
    ]
    assert (
        "€ 500,00 betaald op" in filed.events.filter(action=Action.RECORD_PAYMENT).first().remark
    )


# --- Every transition, allowed and forbidden ---------------------------------------------


def confirm(project, user):
    return project_confirm(project=project, user=user)


def refuse(project, user):
    return project_refuse(project=project, user=user, reason="wrong_provider")


def deposit(project, user):
    return project_record_deposit(project=project, user=user, paid_on=TODAY())


def grant(project, user):
    return project_grant(project=project, user=user)


def pay(project, user):
    return project_record_payment(project=project, user=user, amount=D("100.00"), paid_on=TODAY())


def close(project, user):
    return project_close(project=project, user=user)


def stop(project, user):
    return project_stop(project=project, user=user, reason="Fraude", by_agency=True)


# action -> (function, the statuses it starts from, the status it leads to)
STEPS = {
    "confirm": (confirm, {Status.SUBMITTED}, Status.CONFIRMED),
    "refuse": (refuse, {Status.SUBMITTED}, Status.REFUSED),
    "deposit": (deposit, {Status.CONFIRMED}, Status.DEPOSITED),
    "grant": (grant, {Status.DEPOSITED}, Status.GRANTED),
    "pay": (pay, {Status.GRANTED, Status.PARTIALLY_PAID}, Status.PARTIALLY_PAID),
    "close": (close, {Status.PAID}, Status.CLOSED),
    "stop": (stop, set(Status) - Project.FINAL, Status.STOPPED),
}
# The provider's steps; the others are the agency's.
PROVIDER_STEPS = {"confirm", "refuse"}


def taker(step, project, sam):
    """Who takes `step`: a provider user of the dossier's provider, or Sam for the agency."""
    if step in PROVIDER_STEPS:
        return MembershipFactory(organisation=project.provider_organisation).user
    return sam


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("step", list(STEPS))
def test_every_step_is_allowed_from_its_statuses_only(status, step, sam):
    function, from_statuses, to_status = STEPS[step]
    project = project_in(status)
    user = taker(step, project, sam)
    if status in from_statuses:
        function(project, user)
        project.refresh_from_db()
        assert project.status == to_status
        event = project.events.get()
        assert (event.from_status, event.to_status, event.actor) == (status, to_status, user)
    else:
        with pytest.raises(TransitionError):
            function(project, user)
        project.refresh_from_db()
        assert project.status == status
        assert not project.events.exists()


def test_the_state_machine_matches_the_steps():
    # Every edge of Project's declared transitions is reached by a step (lapse: see
    # test_lapse.py; filing creates the row and is no edge between two statuses).
    reached = {(start, to) for _, starts, to in STEPS.values() for start in starts}
    reached |= {
        (Status.CONFIRMED, Status.LAPSED),
        (Status.GRANTED, Status.PAID),
        (Status.PARTIALLY_PAID, Status.PAID),
    }
    edges = {
        (start, to)
        for declared in transitions.declared(Project)
        if declared.name != "submit"
        for start in declared.sources
        for to in declared.targets
    }
    assert edges == reached


def test_a_forbidden_step_says_why(sam):
    project = project_in(Status.CLOSED)
    with pytest.raises(TransitionError) as caught:
        grant(project, sam)
    assert caught.value.messages == [
        "De stap 'subsidie toegekend' is niet mogelijk voor een dossier met status 'afgesloten'."
    ]


def test_a_lapsed_dossier_cannot_be_stopped_or_granted(sam):
    project = project_in(Status.CONFIRMED, deposit_due_on=TODAY() - datetime.timedelta(days=1))
    with pytest.raises(TransitionError) as caught:
        stop(project, sam)
    assert caught.value.messages[0].startswith("Dit dossier is vervallen")


# --- The provider's refusal ------------------------------------------------------------------


def test_the_provider_refuses_with_a_reason_from_the_list_and_a_remark(
    filed, sofie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project_refuse(
            project=filed, user=sofie, reason="related_enterprise", remark="Zelfde zaakvoerder"
        )
    assert (filed.status, filed.refusal_reason, filed.refusal_remark) == (
        Status.REFUSED,
        "related_enterprise",
        "Zelfde zaakvoerder",
    )
    event = filed.events.get(action=Action.REFUSE)
    assert (event.reason, event.remark) == ("aanverwante onderneming", "Zelfde zaakvoerder")
    # The SME is told: its organisation and the person who filed.
    assert recipients() == ["an@korst.example", "info@goudenkorst.example"]
    assert "Reden: aanverwante onderneming" in mail.outbox[0].body


def test_a_refusal_needs_a_reason_from_the_list(filed, sofie):
    with pytest.raises(ValidationError) as caught:
        project_refuse(project=filed, user=sofie, reason="te duur")
    assert caught.value.message_dict == {"reason": ["Kies een reden uit de lijst."]}
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED


def test_the_confirmation_tells_the_sme_its_deadline(
    filed, sofie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project_confirm(project=filed, user=sofie)
    assert recipients() == ["an@korst.example", "info@goudenkorst.example"]
    due = (TODAY() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    assert f"Stort uw eigen aandeel van € 1.400,00 uiterlijk op {due}" in mail.outbox[0].body


# --- Stopping --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(Status))
def test_the_sme_may_stop_its_dossier_until_a_payment_is_made(status, an, client_org):
    project = project_in(status, client=client_org)
    if status in {Status.SUBMITTED, Status.CONFIRMED, Status.DEPOSITED, Status.GRANTED}:
        project_stop(project=project, user=an, reason="Opleiding geannuleerd")
        project.refresh_from_db()
        assert (project.status, project.stop_reason) == (Status.STOPPED, "Opleiding geannuleerd")
    else:
        with pytest.raises(TransitionError):
            project_stop(project=project, user=an, reason="Opleiding geannuleerd")


def test_stopping_needs_a_reason(filed, an):
    with pytest.raises(ValidationError) as caught:
        project_stop(project=filed, user=an, reason="  ")
    assert caught.value.message_dict == {"reason": ["Geef een reden op voor de stopzetting."]}


def test_the_smes_stop_is_mailed_to_the_provider(filed, an, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project_stop(project=filed, user=an, reason="Opleiding geannuleerd")
    assert recipients() == sorted(["dv@schelde.example", filed.provider_organisation.email])
    assert "Reden: Opleiding geannuleerd" in mail.outbox[0].body


def test_the_agencys_steps_are_mailed_to_both_parties(
    filed, sam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project_stop(project=filed, user=sam, reason="Dubbele aanvraag", by_agency=True)
    assert recipients() == sorted(
        [
            "an@korst.example",
            "info@goudenkorst.example",
            "dv@schelde.example",
            filed.provider_organisation.email,
        ]
    )
    assert filed.events.get(action=Action.STOP).remark == "door het agentschap"


# --- The deposit -----------------------------------------------------------------------------


def test_a_deposit_after_the_deadline_is_refused(sam):
    project = project_in(
        Status.CONFIRMED,
        confirmed_at=timezone.now() - datetime.timedelta(days=40),
        deposit_due_on=TODAY() - datetime.timedelta(days=10),
    )
    with pytest.raises(TransitionError) as caught:
        project_record_deposit(
            project=project, user=sam, paid_on=TODAY() - datetime.timedelta(days=9)
        )
    assert caught.value.messages[0].startswith(
        "Dit dossier is vervallen: het eigen aandeel werd niet gestort binnen 30 dagen"
    )
    project.refresh_from_db()
    assert project.status == Status.CONFIRMED


def test_a_deposit_made_in_time_counts_when_recorded_after_the_deadline(sam):
    project = project_in(
        Status.CONFIRMED,
        confirmed_at=timezone.now() - datetime.timedelta(days=40),
        deposit_due_on=TODAY() - datetime.timedelta(days=10),
    )
    assert project.is_lapsed()
    project_record_deposit(
        project=project, user=sam, paid_on=TODAY() - datetime.timedelta(days=10)
    )
    assert project.status == Status.DEPOSITED


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (1, "De datum van de storting mag niet in de toekomst liggen."),
        (-3, "De storting kan niet vóór de bevestiging van"),
    ],
)
def test_a_deposit_date_outside_the_term_is_refused(days, message, sam):
    project = project_in(
        Status.CONFIRMED, confirmed_at=timezone.now() - datetime.timedelta(days=2)
    )
    with pytest.raises(ValidationError) as caught:
        project_record_deposit(
            project=project, user=sam, paid_on=TODAY() + datetime.timedelta(days=days)
        )
    assert caught.value.message_dict["paid_on"][0].startswith(message)


# --- Payments --------------------------------------------------------------------------------


def test_payments_never_exceed_the_amount(sam):
    project = project_in(Status.PARTIALLY_PAID, amount_paid=D("900.00"))
    with pytest.raises(ValidationError) as caught:
        project_record_payment(project=project, user=sam, amount=D("100.01"), paid_on=TODAY())
    assert caught.value.message_dict["amount"] == [
        "Dit bedrag is hoger dan wat nog te betalen is (€ 100,00 van € 1.000,00)."
    ]
    assert not Payment.objects.exists()
    project_record_payment(project=project, user=sam, amount=D("100.00"), paid_on=TODAY())
    project.refresh_from_db()
    assert (project.status, project.amount_paid) == (Status.PAID, D("1000.00"))


def test_one_payment_of_the_whole_amount_makes_the_dossier_paid(sam):
    project = project_in(Status.GRANTED)
    project_record_payment(project=project, user=sam, amount=D("1000.00"), paid_on=TODAY())
    project.refresh_from_db()
    assert project.status == Status.PAID


@pytest.mark.parametrize(
    ("amount", "paid_on", "field"),
    [
        (D("0.00"), 0, "amount"),
        (D("-1.00"), 0, "amount"),
        (D("10.00"), 1, "paid_on"),
    ],
)
def test_a_payment_needs_a_positive_amount_and_a_past_date(amount, paid_on, field, sam):
    project = project_in(Status.GRANTED)
    with pytest.raises(ValidationError) as caught:
        project_record_payment(
            project=project,
            user=sam,
            amount=amount,
            paid_on=TODAY() + datetime.timedelta(days=paid_on),
        )
    assert field in caught.value.message_dict


def test_a_payment_amount_is_rounded_to_the_cent(sam):
    project = project_in(Status.GRANTED)
    payment = project_record_payment(project=project, user=sam, amount="10.005", paid_on=TODAY())
    assert payment.amount == D("10.01")


def test_the_confirmation_term_defaults_to_thirty_days():
    assert services.confirmation_term_days() == 30


def test_each_party_gets_a_link_to_its_own_page_of_the_dossier(
    filed, sam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project_stop(project=filed, user=sam, reason="Dubbele aanvraag", by_agency=True)
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert f"/dienstverlener/projecten/{filed.pk}/" in by_recipient["dv@schelde.example"]
    assert f"/kmo/dossiers/{filed.pk}/" in by_recipient["info@goudenkorst.example"]
    assert "/kmo/dossiers/" not in by_recipient["dv@schelde.example"]
