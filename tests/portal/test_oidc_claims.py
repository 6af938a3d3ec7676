"""The user and the rights taken from the token (portal.oidc.claims)."""

import pytest
from django.urls import reverse

from organisations.models import Organisation
from portal.models import Membership, User
from portal.oidc.claims import parse_role_claim
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.portal.oidc_support import (
    KBO_A,
    KBO_B,
    KBO_C,
    KBO_SME,
    provider_right,
    sme_right,
)

pytestmark = pytest.mark.django_db


def memberships_of(user):
    return {
        (m.organisation.kbo_number, m.profile)
        for m in Membership.objects.filter(user=user).select_related("organisation")
    }


def test_it_creates_the_user_keyed_on_the_subject(client, op):
    response = op.sign_in(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:after-login")
    user = User.objects.get(oidc_subject="sub-alice")
    assert (user.first_name, user.last_name, user.email) == (
        "Alice",
        "Peeters",
        "alice@vormingscentrum.be",
    )
    assert not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_updates_name_and_email_at_every_sign_in(client, op):
    UserFactory(oidc_subject="sub-alice", first_name="Alicia", email="old@example.be")

    op.sign_in(client, vo_email="alice.peeters@vormingscentrum.be")

    user = User.objects.get(oidc_subject="sub-alice")
    assert user.first_name == "Alice"
    assert user.email == "alice.peeters@vormingscentrum.be"


def test_it_stores_no_rijksregisternummer(client, op):
    op.sign_in(client, rrn="85073003328", given_name="Alice")

    user = User.objects.get(oidc_subject="sub-alice")
    stored = {str(getattr(user, f.attname)) for f in User._meta.concrete_fields}
    assert "85073003328" not in stored
    assert "85073003328" not in str(dict(client.session.items()).get("portal_acr"))


def test_it_creates_an_unknown_organisation_from_the_token(client, op):
    op.sign_in(client, vo_orgcode=KBO_A, vo_orgnaam="Vormingscentrum Schelde")

    organisation = Organisation.objects.get(kbo_number=KBO_A)
    assert organisation.name == "Vormingscentrum Schelde"
    user = User.objects.get(oidc_subject="sub-alice")
    assert memberships_of(user) == {(KBO_A, "provider")}


def test_it_names_other_unknown_organisations_neutrally_until_a_targeted_sign_in(client, op):
    rights = [provider_right(KBO_A), provider_right(KBO_B)]
    op.sign_in(client, vlaio_inkom_rol_3d=rights)
    assert Organisation.objects.get(kbo_number=KBO_B).name == "Onderneming 0234.567.873"

    op.sign_in(
        client,
        {"organisation": KBO_B},
        vlaio_inkom_rol_3d=rights,
        vo_orgcode=KBO_B,
        vo_orgnaam="Adviesbureau Leie & Partners",
    )

    assert Organisation.objects.get(kbo_number=KBO_B).name == "Adviesbureau Leie & Partners"


def test_it_does_not_rename_an_organisation_the_portal_knows(client, op):
    OrganisationFactory(kbo_number=KBO_A, name="Vormingscentrum Schelde vzw")

    op.sign_in(client, vo_orgnaam="VORMINGSCENTRUM SCHELDE")

    assert Organisation.objects.get(kbo_number=KBO_A).name == "Vormingscentrum Schelde vzw"


def test_it_rebuilds_the_rights_at_every_sign_in(client, op):
    op.sign_in(client, vlaio_inkom_rol_3d=[provider_right(KBO_A), sme_right(KBO_SME)])
    user = User.objects.get(oidc_subject="sub-alice")
    assert memberships_of(user) == {(KBO_A, "provider"), (KBO_SME, "sme")}

    # The SME right expired; a right for another organisation was granted.
    op.sign_in(client, vlaio_inkom_rol_3d=[provider_right(KBO_A), provider_right(KBO_C)])

    assert memberships_of(user) == {(KBO_A, "provider"), (KBO_C, "provider")}


def test_a_right_absent_from_the_token_is_gone(client, op):
    user = UserFactory(oidc_subject="sub-alice")
    MembershipFactory(user=user, organisation=OrganisationFactory(kbo_number=KBO_B))

    op.sign_in(client, vlaio_inkom_rol_3d=[])

    assert memberships_of(user) == set()


def test_it_ignores_malformed_rights_and_logs_without_their_content(client, op, caplog):
    rights = [
        provider_right(KBO_A),
        "VLAIOInkomGebruikerNieuw-DienstverlenerKmoPortefeuille:0123456789",  # bad check digits
        "VLAIOInkomGebruikerNieuw-Beheerder:0234567873",  # unknown profile
        "garbage",
        42,
        "AnderRecht-Profiel:0345678997",  # another application's right: not ours
    ]

    op.sign_in(client, vlaio_inkom_rol_3d=rights)

    user = User.objects.get(oidc_subject="sub-alice")
    assert memberships_of(user) == {(KBO_A, "provider")}
    assert "Ignored 4 malformed entries" in caplog.text
    assert "0123456789" not in caplog.text


def test_it_reads_a_single_right_given_as_a_string(settings):
    assert {r.kbo_number for r in parse_role_claim(provider_right(KBO_A))} == {KBO_A}


@pytest.mark.parametrize(
    "kbo",
    [
        "BE0123456749",  # valid, but not as ACM writes it
        "0123.456.749",
        "0123 456 749",
        "123456749",  # the old notation without the leading zero
        "0123456749 ",
        "0\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0664\u0669",  # Arabic-Indic digits
    ],
)
def test_a_right_names_its_organisation_by_the_ten_digits_only(settings, kbo):
    assert parse_role_claim(provider_right(kbo)) == set()
