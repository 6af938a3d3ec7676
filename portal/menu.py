"""The provider menu of seed 000 ("Dienstverlener: menu — Duid een bewerking aan").

Defined once: the menu page (radio group + VERDER) and the navigation on every
provider page are both built from PROVIDER_MENU.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    key: str
    number: str
    label: Promise
    url_name: str
    summary: Promise
    # Every URL in this namespace belongs to the item (marks it current in the navigation).
    namespace: str = ""

    @property
    def url(self):
        return reverse(self.url_name)


PROVIDER_MENU = (
    MenuItem(
        key="registraties",
        number="2.1",
        label=_("Registraties beheren"),
        url_name="registrations:list",
        summary=_("Uw registraties per type dienstverlening (opleiding, advies) beheren."),
        namespace="registrations",
    ),
    MenuItem(
        key="dienstverleners",
        number="2.2",
        label=_("Dienstverleners aanmelden en beheren"),
        url_name="providers:list",
        summary=_("Uw ondernemingsgegevens en uw dienstverleners beheren."),
        namespace="providers",
    ),
    MenuItem(
        key="vestigingen",
        number="2.3",
        label=_("Vestigingen beheren"),
        url_name="establishments:list",
        summary=_("De vestigingen waar uw klanten terecht kunnen toevoegen of wijzigen."),
        namespace="establishments",
    ),
    MenuItem(
        key="projecten",
        number="2.4",
        label=_("Overzicht projecten"),
        url_name="projects:list",
        summary=_("De steundossiers van uw klanten bekijken, bevestigen of weigeren."),
        namespace="projects",
    ),
    MenuItem(
        key="account",
        number="",
        label=_("Login en paswoord wijzigen"),
        url_name="portal:account",
        summary=_("Zien met welke gegevens en voor welke organisatie u aangemeld bent."),
    ),
)


def menu_item(key):
    return next((item for item in PROVIDER_MENU if item.key == key), None)


def provider_navigation(request):
    """The menu items with the aria-current value for the page being shown.

    "page" for the item's own URL, "true" for a deeper page of its section.
    """
    match = getattr(request, "resolver_match", None)
    entries = []
    for item in PROVIDER_MENU:
        url = item.url
        current = None
        if request.path == url:
            current = "page"
        elif match is not None and (
            match.view_name == item.url_name
            or (item.namespace and match.namespace == item.namespace)
        ):
            current = "true"
        entries.append({"item": item, "url": url, "current": current})
    return entries
