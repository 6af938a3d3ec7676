"""The one transition mechanism (core.transitions) and the declarations it relies on,
checked on the three models that use it: registrations, dossiers and bank-account changes."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core import transitions
from core.admin import TransitionActionsMixin
from core.checks import check_transition_models
from projects.models import Project
from providers.models import BankAccountChange
from registrations.models import Registration
from registrations.services import registration_refuse
from tests.factories import (
    ProjectFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [Registration, Project, BankAccountChange]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def bank_account_change(requested_by=None):
    return BankAccountChange.objects.create(
        service_provider=ServiceProviderFactory(),
        new_iban="BE71096123456769",
        new_bic="GKCCBEBB",
        requested_by=requested_by or UserFactory(),
    )


MAKERS = {
    Registration: RegistrationFactory,
    Project: ProjectFactory,
    BankAccountChange: bank_account_change,
}


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_protected_status_cannot_be_assigned(model):
    instance = MAKERS[model]()
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        instance.status = model.Status.values[-1]

    instance.refresh_from_db()
    assert instance.status == model.Status.values[0]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_refresh_from_db_reads_a_status_changed_elsewhere(model):
    instance = MAKERS[model]()
    other = model.Status.values[-1]
    model.objects.filter(pk=instance.pk).update(status=other)

    instance.refresh_from_db()

    assert instance.status == other


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_full_clean_validates_the_status_without_assigning_it(model):
    instance = model(status="bogus")

    with pytest.raises(ValidationError) as caught:
        instance.full_clean()

    assert "status" in caught.value.message_dict
    assert instance.status == "bogus"


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_database_refuses_an_unknown_status(model):
    instance = MAKERS[model]()

    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=instance.pk).update(status="bogus")


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_status_constraint_is_built_from_the_choices(model):
    (constraint,) = [
        constraint
        for constraint in model._meta.constraints
        if constraint.name.endswith("_status_valid")
    ]
    assert constraint.condition.children == [("status__in", model.Status.values)]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_declared_transition_has_a_label_and_an_event_action(model):
    actions = dict(model.event_model()._meta.get_field("action").choices)
    declared = transitions.declared(model)

    assert [item.name for item in declared if item.name not in actions] == []
    assert {item.name for item in declared} == set(actions)
    assert all(item.label != item.name for item in declared)


def test_the_system_check_finds_nothing_wrong():
    assert check_transition_models() == []


def test_the_system_check_reports_an_admin_without_a_page_for_a_declared_step():
    class IncompleteAdmin(TransitionActionsMixin, admin.ModelAdmin):
        transition_pages = {}

    errors = IncompleteAdmin(Registration, admin.site).check()

    assert [error.id for error in errors] == ["core.E001"]


def test_a_step_locks_the_row_before_it_looks_at_the_status(sam):
    registration = RegistrationFactory()
    staff = sam

    with CaptureQueriesContext(connection) as queries:
        registration_refuse(registration=registration, user=staff, reason="Onvolledig")

    statements = [query["sql"] for query in queries.captured_queries]
    first_read = next(sql for sql in statements if sql.startswith("SELECT"))
    assert '"registrations_registration"' in first_read
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in first_read


def test_a_refusal_names_the_step_and_the_status():
    registration = RegistrationFactory(approved=True)

    refused = transitions.refusal(registration, "approve")

    assert isinstance(refused, transitions.TransitionError)
    assert isinstance(refused, ValidationError)
    assert refused.messages == [
        "Deze stap (goedgekeurd) is niet mogelijk voor een registratie met status 'goedgekeurd'."
    ]
    assert transitions.refusal(registration, "suspend") is None


def test_a_condition_with_a_reason_gives_that_reason():
    registration = RegistrationFactory(approved=True, is_starter=False)

    refused = transitions.refusal(registration, "renew")

    assert refused.code == "renewal"
    assert refused.messages == [
        "Alleen een startersregistratie kan één keer verlengd worden na de opvolgingsaudit."
    ]


def test_a_permission_with_reasons_gives_the_first_that_fails(sam, tina):
    change = bank_account_change(requested_by=sam)

    by_requester = transitions.permission_refusal(change, "verify", change.requested_by)
    by_provider_user = transitions.permission_refusal(change, "verify", UserFactory())

    assert by_requester.code == "bank_account_change_four_eyes"
    assert by_provider_user.code == "bank_account_change_not_staff"
    assert transitions.permission_refusal(change, "verify", tina) is None
    assert transitions.permission_refusal(change, "supersede", change.requested_by) is None


def test_a_new_row_is_filed_only_once():
    registration = RegistrationFactory()

    assert transitions.refusal(Registration(), "request") is None
    assert transitions.refusal(registration, "request") is not None
