import pytest
from django.contrib import admin
from django.urls import reverse

from core.admin import normalise_kbo_search_term
from demo.providers import kbo_from_base
from organisations.models import LegalForm, Postcode
from portal.models import Membership
from providers.models import BankAccountChange, ServiceProvider, Vakgebied
from tests.factories import MembershipFactory, OrganisationFactory, ServiceProviderFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label in {"portal", "organisations", "providers"}
    ),
    key=lambda model: model._meta.label,
)
# Bank account changes come from providers and are only verified or rejected by staff;
# a service provider's data is the provider's own and rights come from ACM: shown, not
# added or edited in the admin (issue 13).
READ_ONLY = {Postcode, BankAccountChange, ServiceProvider, Membership}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def one_of_each():
    """One row per registered model, so that change pages and list columns are exercised."""
    membership = MembershipFactory()
    provider = ServiceProviderFactory(organisation=membership.organisation)
    return {
        "portal.User": membership.user,
        "portal.Membership": membership,
        "organisations.Postcode": Postcode.objects.first(),
        "organisations.Organisation": membership.organisation,
        "providers.ServiceProvider": provider,
        "providers.Vakgebied": Vakgebied.objects.first(),
        "organisations.LegalForm": LegalForm.objects.first(),
        "providers.BankAccountChange": BankAccountChange.objects.create(
            service_provider=provider,
            new_iban="BE71096123456769",
            new_bic="GKCCBEBB",
            requested_by=membership.user,
        ),
    }


def test_every_model_of_the_portal_and_providers_apps_is_registered():
    labels = {model._meta.label for model in REGISTERED}
    assert labels >= {
        "portal.User",
        "portal.Membership",
        "organisations.Postcode",
        "organisations.Organisation",
        "providers.ServiceProvider",
        "providers.Vakgebied",
        "organisations.LegalForm",
    }


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_the_changelist_opens_for_a_superuser(admin_client, one_of_each, model):
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_the_change_page_opens_for_a_superuser(admin_client, one_of_each, model):
    obj = one_of_each[model._meta.label]
    assert obj is not None, f"no {model._meta.label} row to open"
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "model", [m for m in REGISTERED if m not in READ_ONLY], ids=lambda model: model._meta.label
)
def test_the_add_page_opens_for_a_superuser(admin_client, model):
    response = admin_client.get(admin_url(model, "add"))
    assert response.status_code == 200


def test_postcodes_are_reference_data_that_staff_cannot_add(admin_client):
    assert admin_client.get(admin_url(Postcode, "add")).status_code == 403


def test_the_admin_is_titled_in_dutch(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert "kmo-portefeuille – beheer" in response.text


@pytest.mark.parametrize(
    "term", ["0417.497.106", "BE 0417 497 106", "BE0417497106", "417.497.106", "0417497106"]
)
def test_the_organisation_search_finds_a_kbo_number_in_any_notation(admin_client, term):
    wanted = OrganisationFactory(kbo_number=kbo_from_base(4_174_971), name="Leerhuis Demer")
    OrganisationFactory(kbo_number=kbo_from_base(8_765_432), name="Adviesbureau Nete")
    response = admin_client.get(admin_url(wanted, "changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [wanted]


def test_the_service_provider_search_finds_a_dotted_kbo_number(admin_client):
    wanted = ServiceProviderFactory(
        organisation=OrganisationFactory(kbo_number=kbo_from_base(4_174_971))
    )
    ServiceProviderFactory()
    response = admin_client.get(admin_url(wanted, "changelist"), {"q": wanted.kbo_display})
    assert list(response.context["cl"].result_list) == [wanted]


def test_the_organisation_search_still_finds_names(admin_client):
    wanted = OrganisationFactory(name="Kennisatelier Kempen")
    OrganisationFactory(name="Bakkerij De Gouden Korst")
    response = admin_client.get(admin_url(wanted, "changelist"), {"q": "atelier"})
    assert list(response.context["cl"].result_list) == [wanted]


@pytest.mark.parametrize("term", ["Kempen", "1700 Dilbeek", "BE25 1001 2345 0789x", ""])
def test_a_search_term_that_is_not_a_kbo_number_is_left_alone(term):
    assert normalise_kbo_search_term(term) == term
