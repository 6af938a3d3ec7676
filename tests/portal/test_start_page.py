"""The start pages: the provider's (what needs them now, dossiers per month), the SME's
(what it can do, its dossiers per status) and the "Geen toegang" page of someone whose
right has lapsed.

Alice is a provider for organisation A (Vormingscentrum Schelde), Bob for organisation
B: Alice never sees B's dossiers, registrations or bank-account changes.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core import charts
from core.dates import add_months
from portal.models import LapsedMembership, Membership
from projects import start
from providers.models import BankAccountChange
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
)
from tests.portal.oidc_support import KBO_A, provider_right

pytestmark = pytest.mark.django_db

MENU = reverse("portal:provider-menu")
NOTHING_WAITS = "Er wacht nu niets op u"


@pytest.fixture
def alice(alice, org_a):
    MembershipFactory(user=alice, organisation=org_a)
    return alice


@pytest.fixture
def provider_a(org_a):
    return ServiceProviderFactory(organisation=org_a, name="Schelde Antwerpen")


@pytest.fixture
def provider_b(org_b):
    return ServiceProviderFactory(organisation=org_b, name="Leie Gent")


def to_confirm(provider, *, days_left, title="Digitale boekhouding"):
    today = timezone.localdate()
    return ProjectFactory(
        service_provider=provider,
        title=title,
        client=OrganisationFactory(name="Bakkerij De Gouden Korst"),
        confirmation_due_on=today + datetime.timedelta(days=days_left),
    )


def expiring_registration(provider, *, days_left):
    today = timezone.localdate()
    return RegistrationFactory(
        approved=True,
        service_provider=provider,
        service_type="O",
        valid_from=today - datetime.timedelta(days=4 * 365),
        valid_until=today + datetime.timedelta(days=days_left),
        audit_report="registrations/audit-reports/factory.pdf",
    )


def bank_account_change(provider):
    return BankAccountChange.objects.create(
        service_provider=provider,
        new_iban="BE71096123456769",
        requested_by=UserFactory(),
    )


def attention_section(html):
    match = re.search(r'<section[^>]*aria-labelledby="attention-heading".*?</section>', html, re.S)
    assert match, "no attention section"
    return match.group(0)


# --- What needs the provider now ---------------------------------------------------------


def test_it_lists_a_dossier_waiting_for_confirmation_with_its_days_left(client, alice, provider_a):
    project = to_confirm(provider_a, days_left=6)
    client.force_login(alice)

    section = attention_section(client.get(MENU).content.decode())

    assert "Wat nu uw aandacht vraagt" in section
    assert f'href="{reverse("projects:detail", args=[project.pk])}"' in section
    assert project.number in section
    assert "nog 6 dagen" in section
    assert NOTHING_WAITS not in section


def test_an_overdue_confirmation_says_how_late_it_is(client, alice, provider_a):
    to_confirm(provider_a, days_left=-2)
    client.force_login(alice)

    assert "2 dagen over tijd" in attention_section(client.get(MENU).content.decode())


def test_it_lists_registrations_ending_within_six_months_only(client, alice, provider_a):
    soon = expiring_registration(provider_a, days_left=90)
    later = expiring_registration(
        ServiceProviderFactory(organisation=provider_a.organisation), days_left=400
    )
    client.force_login(alice)

    section = attention_section(client.get(MENU).content.decode())

    assert f'href="{reverse("registrations:detail", args=[soon.pk])}"' in section
    assert "nog 90 dagen" in section
    assert reverse("registrations:detail", args=[later.pk]) not in section


def test_it_lists_a_bank_account_change_in_review(client, alice, provider_a):
    change = bank_account_change(provider_a)
    client.force_login(alice)

    section = attention_section(client.get(MENU).content.decode())

    assert "Wijziging van rekeningnummer in behandeling" in section
    assert f'href="{reverse("providers:detail", args=[provider_a.pk])}"' in section
    assert change.new_iban_masked in section
    assert "BE71096123456769" not in section


def test_it_says_so_when_nothing_waits(client, alice, provider_a):
    ProjectFactory(service_provider=provider_a, confirmed=True)
    client.force_login(alice)

    section = attention_section(client.get(MENU).content.decode())

    assert NOTHING_WAITS in section
    assert "<ul" not in section


def test_another_organisations_items_never_show(client, alice, provider_a, provider_b):
    theirs = to_confirm(provider_b, days_left=3, title="Geheim project van Leie")
    expiring_registration(provider_b, days_left=30)
    bank_account_change(provider_b)
    client.force_login(alice)

    html = client.get(MENU).content.decode()

    assert NOTHING_WAITS in attention_section(html)
    assert theirs.number not in html
    assert "Geheim project van Leie" not in html
    assert "Leie Gent" not in html


def test_the_menu_of_seed_000_stays_below_it(client, alice):
    client.force_login(alice)

    html = client.get(MENU).content.decode()

    assert html.index("Wat nu uw aandacht vraagt") < html.index("Duid een bewerking aan")
    assert 'name="bewerking"' in html


def test_what_needs_the_provider_takes_three_queries_however_much_waits(
    org_a, provider_a, django_assert_num_queries
):
    for days in (3, 5, 8):
        to_confirm(provider_a, days_left=days)
    for _ in range(3):
        expiring_registration(ServiceProviderFactory(organisation=org_a), days_left=30)
        bank_account_change(ServiceProviderFactory(organisation=org_a))

    with django_assert_num_queries(3):
        attention = start.provider_attention(org_a)
        # Reading what the template reads costs nothing more.
        [(p.client.name, d.days_text) for p, d in attention.projects_to_confirm]
        [r.registration.service_provider.name for r in attention.expiring_registrations]
        [c.service_provider.name for c in attention.bank_account_changes]

    assert len(attention.projects_to_confirm) == 3
    assert len(attention.expiring_registrations) == 3
    assert len(attention.bank_account_changes) == 3


def test_it_lists_the_first_ten_dossiers_to_confirm_and_links_to_the_rest(
    client, alice, provider_a
):
    for days in range(11):
        to_confirm(provider_a, days_left=days + 1)
    client.force_login(alice)

    section = attention_section(client.get(MENU).content.decode())

    assert section.count(">KMO-") == start.ATTENTION_LIMIT
    assert f'href="{reverse("projects:list")}?status=submitted"' in section


def test_the_start_page_costs_the_same_queries_with_one_or_many_items(
    client, alice, org_a, provider_a, django_assert_max_num_queries
):
    client.force_login(alice)
    to_confirm(provider_a, days_left=3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(MENU)
    for days in (4, 5, 6):
        to_confirm(provider_a, days_left=days)
        expiring_registration(ServiceProviderFactory(organisation=org_a), days_left=days)
        bank_account_change(ServiceProviderFactory(organisation=org_a))

    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(MENU)


# --- The dossiers per month ----------------------------------------------------------------


def test_a_month_without_dossiers_counts_zero(org_a, provider_a):
    today = timezone.localdate()
    ProjectFactory(service_provider=provider_a, filed_on=today, amount_excl_vat=Decimal("500"))
    ProjectFactory(service_provider=provider_a, filed_on=today, amount_excl_vat=Decimal("1500"))
    two_months_ago = add_months(today.replace(day=1), -2)
    ProjectFactory(service_provider=provider_a, filed_on=two_months_ago)

    totals = start.project_monthly_totals(org_a)

    assert len(totals) == 24
    assert [t.month for t in totals] == start.chart_window(today)
    assert totals[-1].count == 2
    assert totals[-1].amount == Decimal("2000.00")
    assert totals[-1].subsidy == Decimal("600.00")
    assert totals[-2].count == 0 and totals[-2].amount == 0
    assert totals[-3].count == 1
    assert sum(t.count for t in totals) == 3


def test_only_the_organisations_own_dossiers_count(org_a, provider_a, provider_b):
    ProjectFactory(service_provider=provider_a)
    ProjectFactory(service_provider=provider_b)
    ProjectFactory(service_provider=provider_b)

    assert sum(t.count for t in start.project_monthly_totals(org_a)) == 1


def test_the_window_is_the_last_24_calendar_months(org_a, provider_a):
    on = datetime.date(2026, 12, 6)
    first = datetime.date(2025, 1, 1)
    ProjectFactory(service_provider=provider_a, filed_on=first)
    ProjectFactory(service_provider=provider_a, filed_on=first - datetime.timedelta(days=1))
    ProjectFactory(service_provider=provider_a, filed_on=on)
    ProjectFactory(service_provider=provider_a, filed_on=on + datetime.timedelta(days=1))

    totals = start.project_monthly_totals(org_a, on=on)

    assert totals[0].month == first and totals[0].count == 1
    assert totals[-1].month == datetime.date(2026, 12, 1) and totals[-1].count == 1
    assert sum(t.count for t in totals) == 2


def test_the_monthly_totals_are_one_query(org_a, provider_a, django_assert_num_queries):
    for months_ago in range(5):
        ProjectFactory(
            service_provider=provider_a,
            filed_on=add_months(timezone.localdate(), -months_ago),
        )

    with django_assert_num_queries(1):
        start.project_monthly_totals(org_a)


def test_the_start_page_draws_the_chart_and_the_same_figures_in_a_table(client, alice, provider_a):
    ProjectFactory(service_provider=provider_a, amount_excl_vat=Decimal("40000"))
    client.force_login(alice)

    html = client.get(MENU).content.decode()

    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">' in svg and '<desc id="chart-desc">' in svg
    assert svg.count('fill="#0055cc"') == 2  # one month with dossiers: a bar in each panel
    assert not re.search(r'(x|y|width|height)="\d+,\d', svg), "coordinates must not be localised"
    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    assert '<table class="table table-sm table-reflow' in table
    assert "<caption>" in table
    assert table.count('<th scope="row"') == 24
    assert 'data-label="Bedrag exclusief btw">€ 40.000,00</td>' in table
    assert 'data-label="Dossiers">0</td>' in table
    assert "Toon als tabel" in html


def test_the_bars_grow_from_the_axis_to_a_round_maximum():
    panel = charts.bar_panel(
        [0, 5, 10], heading="Aantal", top=10, height=100, left=50, width=300, ticks=4
    )

    assert charts.nice_maximum(10) == 10
    assert charts.nice_maximum(37) == 40
    assert charts.nice_maximum(Decimal("123456")) == 200000
    assert [bar.value for bar in panel.bars] == [5, 10]  # no bar for zero
    assert panel.bars[1].height == 100 and panel.bars[1].y == 10
    assert panel.bars[0].height == 50 and panel.bars[0].y == 60
    assert [tick.value for tick in panel.ticks] == [0, Decimal("2.5"), 5, Decimal("7.5"), 10]


def test_a_count_axis_has_whole_steps():
    assert charts.nice_maximum(2, integer=True) == 4
    assert charts.nice_maximum(9, integer=True) == 20  # 4 steps of 5: 2.5 is no whole step
    panel = charts.bar_panel(
        [1, 2],
        heading="Aantal",
        top=0,
        height=80,
        left=0,
        width=100,
        integer=True,
        format_value=lambda v: f"{v:.0f}",
    )
    assert [tick.label for tick in panel.ticks] == ["0", "1", "2", "3", "4"]


# --- The SME's start page ------------------------------------------------------------------


def test_the_sme_start_page_says_what_it_can_do_and_counts_its_own_dossiers(client):
    bakery = OrganisationFactory(name="Bakkerij De Gouden Korst")
    an = MembershipFactory(organisation=bakery, profile=Membership.Profile.SME).user
    ProjectFactory(client=bakery)
    ProjectFactory(client=bakery)
    ProjectFactory(client=bakery, confirmed=True)
    ProjectFactory()  # someone else's
    client.force_login(an)

    html = client.get(reverse("portal:sme-home")).content.decode()

    assert "Wat kunt u hier doen?" in html
    assert f'href="{reverse("sme-projects:choose-provider")}"' in html
    assert f'href="{reverse("sme-projects:list")}"' in html
    assert "Ingediend: 2" in html
    assert "Bevestigd: 1" in html
    assert " je " not in html and "jouw" not in html


def test_the_sme_start_page_says_when_there_are_no_applications_yet(client):
    an = MembershipFactory(profile=Membership.Profile.SME).user
    client.force_login(an)

    html = client.get(reverse("portal:sme-home")).content.decode()

    assert "U hebt nog geen steunaanvragen ingediend." in html


# --- "Geen toegang" after a right lapsed ---------------------------------------------------


def test_a_lapsed_right_is_named_with_its_organisation_and_dates(client, op):
    op.sign_in(client, vlaio_inkom_rol_3d=[provider_right(KBO_A)], vo_orgcode=KBO_A)
    membership = Membership.objects.get()
    organisation = membership.organisation

    op.sign_in(client, vlaio_inkom_rol_3d=None)
    response = client.get(reverse("portal:after-login"))

    assert response.status_code == 403
    html = response.content.decode()
    lapsed = LapsedMembership.objects.get()
    assert lapsed.organisation == organisation
    assert lapsed.profile == Membership.Profile.PROVIDER
    assert (
        'Uw gebruikersrecht "VLAIO Inkom Gebruiker Nieuw" met het profiel '
        f'"Dienstverlener kmo-portefeuille" voor {organisation.name}'
    ) in html.replace("&quot;", '"')
    # The day in Belgium, as the page gives it (after 23:00 UTC the next one).
    confirmed = timezone.localtime(lapsed.last_confirmed_at)
    assert f"Bij uw aanmelding van {confirmed:%d/%m/%Y}" in html
    assert f"Vraag de lokale beheerder van {organisation.name}" in html
    assert "te verlengen" in html


def test_the_no_access_page_offers_signing_in_again_not_the_idm(client, op, settings):
    settings.ACCESS_MANAGEMENT_URL = "https://idm.example.test/"
    op.sign_in(client, vlaio_inkom_rol_3d=[provider_right(KBO_A)])
    op.sign_in(client, vlaio_inkom_rol_3d=None)

    html = client.get(reverse("portal:after-login")).content.decode()

    buttons = re.findall(r'<a class="btn[^"]*" href="([^"]*)">([^<]*)</a>', html)
    again = f"{reverse('oidc_authentication_init')}?next=%2Faangemeld%2F"
    assert buttons == [(again, "Opnieuw aanmelden")]
    assert "Bent u zelf lokale beheerder" in html
    assert 'href="https://idm.example.test/"' in html
    assert 'href="tel:1700"' in html


def test_a_right_that_comes_back_is_no_longer_reported_lapsed(client, op):
    op.sign_in(client, vlaio_inkom_rol_3d=[provider_right(KBO_A)])
    op.sign_in(client, vlaio_inkom_rol_3d=None)
    assert LapsedMembership.objects.count() == 1

    op.sign_in(client, vlaio_inkom_rol_3d=[provider_right(KBO_A)])

    assert LapsedMembership.objects.count() == 0
    assert client.get(MENU).status_code == 200


def test_without_an_earlier_right_the_page_stays_generic(client, op):
    op.sign_in(client, vlaio_inkom_rol_3d=None)

    html = client.get(reverse("portal:after-login")).content.decode()

    assert "is niet meer geldig" not in html
    assert "geen geldig gebruikersrecht" in html
    assert "Zo krijgt u toegang, in 3 stappen" in html
