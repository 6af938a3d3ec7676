"""Reads of the stand-in: the claims ACM would put in a token for a person."""

from django.conf import settings

from standin.models import IdmOrganisation, LocalAdministrator, UserRight, today


def valid_rights(person, *, on=None):
    """The person's rights in force on `on` (today by default), in every organisation."""
    return (
        UserRight.objects.valid_on(on or today())
        .filter(work_relationship__person=person)
        .select_related("work_relationship__organisation")
        .order_by("work_relationship__organisation__name", "pk")
    )


def role_claim_values(person, *, on=None):
    """`<Recht>-<Profiel>:<KBO>` for every right valid today, without duplicates."""
    values = []
    for right in valid_rights(person, on=on):
        values.extend(value for value in right.role_values() if value not in values)
    return values


def claim_organisation(person, *, on=None):
    """The organisation for vo_orgcode: the one asked for by login_hint when the person
    works there, else the one of the first right valid today (by name), else None."""
    requested = person.requested_organisation
    if requested and person.work_relationships.filter(organisation=requested).exists():
        return requested
    first = valid_rights(person, on=on).first()
    return first.work_relationship.organisation if first else None


def person_claims(person):
    """Every claim of the OIDC contract that depends on the person (not on the token)."""
    organisation = claim_organisation(person)
    email = person.email
    if organisation:
        relationship = person.work_relationships.filter(organisation=organisation).first()
        email = relationship.email if relationship and relationship.email else email
    claims = {
        "sub": str(person.uuid),
        "given_name": person.first_name,
        "family_name": person.last_name,
        "vo_id": str(person.uuid),
        "vo_doelgroepcode": "EA",
        "vo_email": email,
        settings.OIDC_ROLE_CLAIM: role_claim_values(person),
    }
    if organisation:
        claims["vo_orgcode"] = organisation.kbo_number
        claims["vo_orgnaam"] = organisation.name
    if person.last_sign_in_method:
        claims["acr"] = person.last_sign_in_method
    return claims


def administered_organisations(person):
    """Organisations the person is local administrator of."""
    return IdmOrganisation.objects.filter(local_administrators__person=person).order_by("name")


def is_local_administrator(person, organisation):
    return LocalAdministrator.objects.filter(person=person, organisation=organisation).exists()
