"""Django's empty choice "---------" never shows: a select says in Dutch what to choose.

The portal's forms are rendered as a provider sees them; the admin is walked as Sam
(superuser) sees it: every list, add page and change page of every registered model.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse

from directory.forms import DirectorySearchForm
from establishments.forms import EstablishmentForm
from organisations.models import LegalForm
from portal.views import MenuChoiceForm, OrganisationChoiceForm
from projects.forms import ApplicationForm, OverviewFilterForm, RefuseForm
from providers.forms import ServiceProviderStep1Form, ServiceProviderStep2Form
from registrations.forms import RegistrationRequestForm
from tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ServiceProviderFactory,
    make_superuser,
)

pytestmark = pytest.mark.django_db

DASHES = "---------"


def portal_forms(provider):
    organisation = provider.organisation
    return [
        ServiceProviderStep1Form(),
        ServiceProviderStep1Form(initial={"legal_form": LegalForm.objects.first()}),
        ServiceProviderStep2Form(),
        ApplicationForm(service_provider=provider, service_types=["A", "O"]),
        OverviewFilterForm(organisation=organisation),
        RefuseForm(),
        RegistrationRequestForm(),
        DirectorySearchForm(),
        EstablishmentForm(),
        OrganisationChoiceForm(organisations=type(organisation).objects.all()),
        MenuChoiceForm(),
    ]


def test_no_portal_form_offers_the_empty_dashes():
    provider = ServiceProviderFactory()

    for form in portal_forms(provider):
        assert DASHES not in str(form), type(form).__name__


def test_the_legal_form_select_asks_to_choose_one():
    assert "Kies een rechtsvorm" in str(ServiceProviderStep1Form()["legal_form"])


def admin_urls():
    """Every list, add page and change page (of the first row) of the admin."""
    for model in admin.site._registry:
        if model._meta.app_label == "oauth2_provider":
            continue  # the development stand-in's OP, not in production's admin
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_changelist".format(*info))
        yield reverse("admin:{}_{}_add".format(*info))
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            try:
                yield reverse("admin:{}_{}_change".format(*info), args=[row.pk])
            except NoReverseMatch:
                continue


def test_no_admin_page_offers_the_empty_dashes(client, sam, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_superuser(sam))
    MembershipFactory(user=sam)
    EstablishmentFactory()
    OrganisationFactory()
    Group.objects.create(name="Medewerkers")

    walked = 0
    for url in admin_urls():
        response = client.get(url)
        if response.status_code in (403, 404):
            continue  # a page that nobody may open (an add page of a read-only model)
        assert response.status_code == 200, url
        assert DASHES not in response.content.decode(), url
        walked += 1
    assert walked > 20
