"""Writes of the stand-in. Every IDM change is atomic and leaves a HistoryEntry."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from core.dates import add_years
from standin.models import (
    USER_RIGHT_MAX_YEARS,
    WORK_RELATIONSHIP_MAX_YEARS,
    HistoryEntry,
    IdmOrganisation,
    LocalAdministrator,
    Person,
    UserRight,
    WorkRelationship,
    today,
)

Action = HistoryEntry.Action


def _log(*, organisation, person, actor, action, details=""):
    return HistoryEntry.objects.create(
        organisation=organisation, person=person, actor=actor, action=action, details=details
    )


def _period(obj):
    return f"{obj.begin_date:%d/%m/%Y} – {obj.end_date:%d/%m/%Y}"


# --- Sign-in -----------------------------------------------------------------


@transaction.atomic
def person_sign_in(*, person, method):
    """Record the sign-in method and return the person's stand-in account.

    The account is a plain Django user with no usable password: the stand-in
    session is the only way in, and the username can never clash with the
    portal's own users.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    user = person.user
    if user is None:
        user = get_user_model()(username=f"standin-{person.uuid}")
        user.set_unusable_password()
    user.first_name = person.first_name
    user.last_name = person.last_name
    user.email = person.email
    user.save()
    person.user = user
    person.last_sign_in_method = method
    person.full_clean()
    person.save(update_fields=["user", "last_sign_in_method"])
    return user


def person_request_organisation(*, person, kbo_number):
    """Remember the organisation of a targeted login (login_hint), or forget it."""
    organisation = IdmOrganisation.objects.filter(kbo_number=kbo_number).first()
    Person.objects.filter(pk=person.pk).update(requested_organisation=organisation)
    person.requested_organisation = organisation


# --- Local administrators ----------------------------------------------------


@transaction.atomic
def local_administrator_appoint(*, organisation, person, appointed_by):
    """A legal representative makes `person` local administrator of `organisation`."""
    if not organisation.legal_representatives.filter(pk=appointed_by.pk).exists():
        raise PermissionDenied
    appointment, created = LocalAdministrator.objects.get_or_create(
        person=person, organisation=organisation, defaults={"appointed_by": appointed_by}
    )
    if created:
        _log(
            organisation=organisation,
            person=person,
            actor=appointed_by,
            action=Action.ADMINISTRATOR_APPOINTED,
        )
    return appointment


@transaction.atomic
def person_create(
    *,
    actor,
    organisation,
    national_number,
    first_name,
    last_name,
    birth_date=None,
    sex="",
    phone="",
    email="",
):
    """Add a person to the stand-in's register (step 2 of "Voeg gebruiker toe")."""
    person = Person(
        national_number=national_number,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        sex=sex,
        phone=phone,
        email=email,
    )
    person.full_clean()
    person.save()
    _log(organisation=organisation, person=person, actor=actor, action=Action.PERSON_ADDED)
    return person


# --- Work relationships ------------------------------------------------------


@transaction.atomic
def work_relationship_create(
    *, actor, person, organisation, category, begin_date, end_date, email, phone=""
):
    """Koppel gebruiker aan organisatie."""
    relationship = WorkRelationship(
        person=person,
        organisation=organisation,
        category=category,
        begin_date=begin_date,
        end_date=end_date,
        phone=phone,
        email=email,
    )
    relationship.full_clean()
    relationship.save()
    _log(
        organisation=organisation,
        person=person,
        actor=actor,
        action=Action.WORK_RELATIONSHIP_ADDED,
        details=f"{relationship.get_category_display()}, {_period(relationship)}",
    )
    return relationship


@transaction.atomic
def person_add_to_organisation(
    *,
    actor,
    organisation,
    category,
    begin_date,
    end_date,
    email,
    phone="",
    person=None,
    person_data=None,
):
    """The "Voeg gebruiker toe" wizard in one go: a new or known person plus the
    work relationship, so that nobody is left half-added.

    `person_data` (the arguments of person_create) describes a new person when
    `person` is None.
    """
    if person is None:
        person = person_create(actor=actor, organisation=organisation, **person_data)
    return work_relationship_create(
        actor=actor,
        person=person,
        organisation=organisation,
        category=category,
        begin_date=begin_date,
        end_date=end_date,
        email=email,
        phone=phone,
    )


@transaction.atomic
def work_relationship_update(
    *, actor, work_relationship, category, begin_date, end_date, email, phone=""
):
    work_relationship.category = category
    work_relationship.begin_date, work_relationship.end_date = begin_date, end_date
    work_relationship.phone, work_relationship.email = phone, email
    work_relationship.full_clean()
    work_relationship.save()
    _log(
        organisation=work_relationship.organisation,
        person=work_relationship.person,
        actor=actor,
        action=Action.WORK_RELATIONSHIP_CHANGED,
        details=f"{work_relationship.get_category_display()}, {_period(work_relationship)}",
    )
    return work_relationship


@transaction.atomic
def work_relationship_extend(*, actor, work_relationship):
    """Verleng werkrelatie en gebruikersrechten: both start again today and run for
    their maximum period (a right never beyond its work relationship)."""
    start = today()
    work_relationship.begin_date = start
    work_relationship.end_date = add_years(start, WORK_RELATIONSHIP_MAX_YEARS)
    work_relationship.full_clean()
    work_relationship.save()
    for right in work_relationship.rights.all():
        right.begin_date = start
        right.end_date = min(add_years(start, USER_RIGHT_MAX_YEARS), work_relationship.end_date)
        right.full_clean()
        right.save()
    _log(
        organisation=work_relationship.organisation,
        person=work_relationship.person,
        actor=actor,
        action=Action.WORK_RELATIONSHIP_EXTENDED,
        details=_period(work_relationship),
    )
    return work_relationship


@transaction.atomic
def work_relationship_set_paused(*, actor, work_relationship, paused):
    """Pauzeer (or resume) a work relationship: its rights stop counting meanwhile."""
    work_relationship.paused = paused
    work_relationship.save(update_fields=["paused"])
    _log(
        organisation=work_relationship.organisation,
        person=work_relationship.person,
        actor=actor,
        action=Action.WORK_RELATIONSHIP_PAUSED if paused else Action.WORK_RELATIONSHIP_RESUMED,
    )
    return work_relationship


@transaction.atomic
def work_relationship_remove(*, actor, work_relationship):
    """Verwijder werkrelatie, and with it every right granted on it."""
    _log(
        organisation=work_relationship.organisation,
        person=work_relationship.person,
        actor=actor,
        action=Action.WORK_RELATIONSHIP_REMOVED,
        details=f"{work_relationship.get_category_display()}, {_period(work_relationship)}",
    )
    work_relationship.delete()


# --- User rights ---------------------------------------------------------------


def _right_details(right):
    return f"{right.get_right_display()} ({', '.join(right.profile_names)}), {_period(right)}"


@transaction.atomic
def user_right_grant(
    *,
    actor,
    work_relationship,
    right,
    begin_date,
    end_date,
    profile_provider=False,
    profile_sme=False,
):
    """Ken gebruikersrecht toe."""
    right = UserRight(
        work_relationship=work_relationship,
        right=right,
        begin_date=begin_date,
        end_date=end_date,
        profile_provider=profile_provider,
        profile_sme=profile_sme,
    )
    right.full_clean()
    right.save()
    _log(
        organisation=work_relationship.organisation,
        person=work_relationship.person,
        actor=actor,
        action=Action.RIGHT_GRANTED,
        details=_right_details(right),
    )
    return right


@transaction.atomic
def user_right_update(
    *,
    actor,
    user_right,
    right,
    begin_date,
    end_date,
    profile_provider=False,
    profile_sme=False,
):
    user_right.right = right
    user_right.begin_date, user_right.end_date = begin_date, end_date
    user_right.profile_provider, user_right.profile_sme = profile_provider, profile_sme
    user_right.full_clean()
    user_right.save()
    _log(
        organisation=user_right.work_relationship.organisation,
        person=user_right.work_relationship.person,
        actor=actor,
        action=Action.RIGHT_CHANGED,
        details=_right_details(user_right),
    )
    return user_right


@transaction.atomic
def user_right_set_paused(*, actor, user_right, paused):
    user_right.paused = paused
    user_right.save(update_fields=["paused"])
    _log(
        organisation=user_right.work_relationship.organisation,
        person=user_right.work_relationship.person,
        actor=actor,
        action=Action.RIGHT_PAUSED if paused else Action.RIGHT_RESUMED,
        details=_right_details(user_right),
    )
    return user_right


@transaction.atomic
def user_right_remove(*, actor, user_right):
    _log(
        organisation=user_right.work_relationship.organisation,
        person=user_right.work_relationship.person,
        actor=actor,
        action=Action.RIGHT_REMOVED,
        details=_right_details(user_right),
    )
    user_right.delete()
