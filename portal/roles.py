"""The staff roles of the admin: which Django permissions each role of agency staff holds.

Staff rights come from these roles only, never from ad-hoc model permissions: each role
is a group with exactly the permissions below, created and kept in step by
`staff_roles_sync()`, which the data migration portal 0002 runs. A role is given to a
person in the admin by a superuser (the user's "groepen"); only superusers manage
users, groups and permissions (portal.admin), and the role groups cannot be edited
there: this table is their one definition.

In this admin the change permission of a registration, a dossier or a bank-account
change opens nothing but its decision pages: their change forms are read-only, and
each decision is also refused by the model's declared transition permission
(core.transitions.staff_permission), so that a service called from anywhere else
asks for the same role. No role may add, change or delete the data that service
providers and SMEs own (organisations, service providers, establishments, their
rights) or anything of users, groups and permissions.

To change a role: change the table and add a migration that runs
`staff_roles_sync(apps=apps)` again (as 0002 does), depending on the latest migration
of every app the table names.
"""

import dataclasses

from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

__all__ = [
    "AUDITOR",
    "MAIL_OPERATOR",
    "PROCESSOR",
    "RATES_MANAGER",
    "REVIEWER",
    "ROLES",
    "VERIFIER",
    "Role",
    "role_group_names",
    "role_named",
    "staff_roles_sync",
]


@dataclasses.dataclass(frozen=True)
class Role:
    """A staff role: the group's (Dutch) name, what it is for, and its permissions as
    "app_label.codename"."""

    key: str
    name: str
    purpose: str
    permissions: tuple


# Seeing a service provider: the enterprise, the provider and its establishments.
VIEW_PROVIDERS = (
    "organisations.view_organisation",
    "providers.view_serviceprovider",
    "establishments.view_establishment",
)

REVIEWER = Role(
    key="registration_reviewer",
    name="Beoordelaar registraties",
    purpose=_(
        "Beslist over registratieaanvragen en registraties (goedkeuren, weigeren, schorsen, "
        "intrekken, uitsluiten, verlengen) en bekijkt de dienstverleners."
    ),
    permissions=(
        "registrations.view_registration",
        # Opens the decision pages; the change form itself is read-only.
        "registrations.change_registration",
        # The inlines of a registration's page: labels, what happened, the reminders.
        "registrations.view_qualitylabel",
        "registrations.view_registrationevent",
        "registrations.view_expiryreminder",
        *VIEW_PROVIDERS,
    ),
)

PROCESSOR = Role(
    key="dossier_processor",
    name="Behandelaar steundossiers",
    purpose=_(
        "Zet de stappen van het agentschap in steundossiers (storting eigen aandeel, "
        "toekenning, betalingen, afsluiten, stopzetten) en bekijkt de steunpercentages en "
        "plafonds die erop van toepassing zijn."
    ),
    permissions=(
        "projects.view_project",
        # Opens the step pages; the change form itself is read-only.
        "projects.change_project",
        # The inlines of a dossier's page.
        "projects.view_projectevent",
        "projects.view_payment",
        # To explain an amount; changing them is another role's (separation of duties).
        "projects.view_subsidyrate",
        "projects.view_annualceiling",
        "projects.view_eligibilityrule",
        # The client and the provider a dossier names.
        "organisations.view_organisation",
        "providers.view_serviceprovider",
    ),
)

VERIFIER = Role(
    key="bank_account_verifier",
    name="Verificateur rekeningnummers",
    purpose=_(
        "Keurt nieuwe rekeningnummers goed of weigert ze, nooit een wijziging die hij of zij "
        "zelf aanvroeg (vier-ogenprincipe)."
    ),
    permissions=(
        "providers.view_bankaccountchange",
        # Opens the decision pages; the change form itself is read-only.
        "providers.change_bankaccountchange",
        "providers.view_bankaccountchangeevent",
        # Whether the account is in the name of the enterprise.
        "organisations.view_organisation",
        "providers.view_serviceprovider",
    ),
)

RATES_MANAGER = Role(
    key="rates_manager",
    name="Beheerder steunpercentages en plafonds",
    purpose=_(
        "Legt nieuwe steunpercentages, jaarplafonds en de subsidieerbare dienstverlening vast "
        "(gedateerde periodes); behandelt zelf geen dossiers."
    ),
    permissions=(
        "projects.view_subsidyrate",
        "projects.add_subsidyrate",
        "projects.change_subsidyrate",
        "projects.view_annualceiling",
        "projects.add_annualceiling",
        "projects.change_annualceiling",
        "projects.view_eligibilityrule",
        "projects.add_eligibilityrule",
        "projects.change_eligibilityrule",
    ),
)

MAIL_OPERATOR = Role(
    key="mail_operator",
    name="Beheerder e-mails",
    purpose=_(
        "Volgt de uitgaande e-mails op (in de wachtrij, verzonden, mislukt met de reden) en "
        "verstuurt een mislukte e-mail opnieuw; beslist zelf over niets."
    ),
    permissions=(
        "core.view_outboxmail",
        # Opens the resend page only; an outbox row itself is never edited.
        "core.change_outboxmail",
    ),
)

AUDITOR = Role(
    key="auditor",
    name="Auditor (alleen lezen)",
    purpose=_(
        "Bekijkt alles wat medewerkers in het beheer zien, met de historiek, en wijzigt niets."
    ),
    permissions=(
        "organisations.view_organisation",
        "organisations.view_legalform",
        "organisations.view_postcode",
        "portal.view_membership",
        "providers.view_serviceprovider",
        "providers.view_vakgebied",
        "providers.view_bankaccountchange",
        "providers.view_bankaccountchangeevent",
        "establishments.view_establishment",
        "registrations.view_registration",
        "registrations.view_qualitylabel",
        "registrations.view_registrationevent",
        "registrations.view_expiryreminder",
        "projects.view_project",
        "projects.view_projectevent",
        "projects.view_payment",
        "projects.view_subsidyrate",
        "projects.view_annualceiling",
        "projects.view_eligibilityrule",
        "core.view_outboxmail",
    ),
)

ROLES = (REVIEWER, PROCESSOR, VERIFIER, RATES_MANAGER, MAIL_OPERATOR, AUDITOR)


def role_group_names():
    return {role.name for role in ROLES}


def role_named(name):
    """The role whose group is called `name`, or None for any other group."""
    return next((role for role in ROLES if role.name == name), None)


def _split(permission):
    app_label, codename = permission.split(".")
    return app_label, codename


def _ensure_permissions(apps):
    """Create the content types and permissions of every model `apps` knows.

    Django creates them after `migrate` (post_migrate), which is too late for a data
    migration on a fresh database; this is what that signal handler does, early.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Historical app configs have no models module; create_permissions skips
        # those, so pretend (Django's own advice for data migrations).
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        try:
            create_permissions(app_config, verbosity=0, apps=apps)
        finally:
            app_config.models_module = models_module


def staff_roles_sync(*, apps=global_apps):
    """Create every role's group and give it exactly the role's permissions.

    Safe to run again: a group that exists is brought in step (permissions it should
    not have are taken away). Groups that are no role are left alone. `apps` is the
    migration's historical registry, or the project's own. A permission whose model
    does not exist (yet) in `apps` is left out, so that an older migration still runs
    on a fresh database after the table names a newer model; a permission of a model
    that exists but has no such codename is a mistake and raises.
    """
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = set()
    for role in ROLES:
        wanted.update(role.permissions)
    found = {}
    for permission in Permission.objects.select_related("content_type"):
        label = f"{permission.content_type.app_label}.{permission.codename}"
        if label in wanted:
            found[label] = permission
    for label in wanted - set(found):
        app_label, codename = _split(label)
        model_name = codename.split("_", 1)[1]
        if _model_exists(apps, app_label, model_name):
            raise LookupError(f"The staff roles name {label}, which does not exist.")
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        group.permissions.set([found[label] for label in role.permissions if label in found])


def _model_exists(apps, app_label, model_name):
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True
