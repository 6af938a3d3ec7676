"""What the dossier pages show of a dossier, worked out in one place.

Views hand these to the templates, which only lay them out: the status as
people see it (the derived lapse applied) and its badge, the next deadline with
what it is for and the days left, the next step in a sentence for the SME or
the provider, and the history with names shown only for the viewer's own side.

Every function takes a plain Project as well as a row annotated by
ProjectQuerySet.with_deadline() (whose annotations shadow the model's methods of
the same names): they call the class's functions, which read only the dossier's
own columns, so a list costs no query per row. The provider's overview, the
largest list, reads no model instances at all: overview_rows() lays out the
values its query selected.
"""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.dates import format_day
from core.people import user_display
from core.validators import format_kbo_number
from projects.models import Project, ProjectEvent
from projects.rates import euro

Status = Project.Status
Action = ProjectEvent.Action

# Who is looking: the two sides of a dossier.
PROVIDER = "provider"
SME = "sme"

# --- Status ---------------------------------------------------------------------------

# Bootstrap's text-bg-* pairs (contrast checked by the axe scans): waiting on the
# provider, waiting on the client, in progress at the agency, paid, ended.
STATUS_CLASSES = {
    Status.SUBMITTED: "text-bg-warning",
    Status.CONFIRMED: "text-bg-info",
    Status.DEPOSITED: "text-bg-primary",
    Status.GRANTED: "text-bg-primary",
    Status.PARTIALLY_PAID: "text-bg-primary",
    Status.PAID: "text-bg-success",
    Status.CLOSED: "text-bg-success",
    Status.REFUSED: "text-bg-secondary",
    Status.STOPPED: "text-bg-secondary",
    Status.LAPSED: "text-bg-secondary",
}


def status_label(value):
    """The status's name as people read it; an unknown value as it is."""
    try:
        return Status(value).label
    except ValueError:
        return value


def status_class(value):
    """The badge colours of a status."""
    return STATUS_CLASSES.get(value, "text-bg-light border")


def effective_status(project, on=None):
    """The status as people see it: "vervallen" once the deposit deadline has passed."""
    return Project.effective_status(project, on or timezone.localdate())


# --- The next deadline ----------------------------------------------------------------

# What the next deadline is for, per side: the provider's confirmation while the
# dossier is filed, the client's deposit once it is confirmed.
DEADLINE_PURPOSES = {
    (Status.SUBMITTED, SME): _("bevestiging door de dienstverlener"),
    (Status.SUBMITTED, PROVIDER): _("te bevestigen"),
    (Status.CONFIRMED, SME): _("uw eigen aandeel storten"),
    (Status.CONFIRMED, PROVIDER): _("storting eigen aandeel door de klant"),
}


@dataclass(frozen=True)
class Deadline:
    """The next deadline of a dossier, what it is for and the days left."""

    day: date
    purpose: str
    days_left: int

    @property
    def overdue(self):
        return self.days_left < 0

    @property
    def days_text(self):
        return days_left_text(self.days_left)


def days_left_text(days_left):
    """ "nog 3 dagen", "vandaag", "2 dagen over tijd"."""
    if days_left < 0:
        counter = -days_left
        text = ngettext("%(counter)s dag over tijd", "%(counter)s dagen over tijd", counter)
    elif days_left == 0:
        return gettext("vandaag")
    else:
        counter = days_left
        text = ngettext("nog %(counter)s dag", "nog %(counter)s dagen", counter)
    return text % {"counter": localize(counter)}


def deadline(project, *, viewer, on=None):
    """The dossier's next deadline as `viewer` reads it, or None when nothing is due."""
    on = on or timezone.localdate()
    day = Project.next_deadline(project, on)
    if day is None:
        return None
    return _deadline(project.status, day, Project.days_left(project, on), viewer=viewer)


def _deadline(status, day, days_left, *, viewer):
    """A due `day` of a dossier in `status` (submitted or confirmed) as `viewer` reads it."""
    status = Status.SUBMITTED if status == Status.SUBMITTED else Status.CONFIRMED
    return Deadline(day=day, purpose=DEADLINE_PURPOSES[status, viewer], days_left=days_left)


# --- The next step --------------------------------------------------------------------


def _day(value):
    return date_format(value, "d/m/Y") if value else ""


def next_step(project, *, viewer, on=None):
    """What happens next to the dossier, in a sentence for `viewer`: the SME is told what
    to do or wait for, the provider what it or the client has to do."""
    on = on or timezone.localdate()
    status = Project.effective_status(project, on)
    if status == Status.SUBMITTED:
        if viewer == PROVIDER:
            return _("Bevestig of weiger de aanvraag.")
        return _(
            "Uw dienstverlener bevestigt of weigert de aanvraag (verwacht tegen %(day)s)."
        ) % {"day": _day(Project.next_deadline(project, on))}
    if status == Status.CONFIRMED:
        if viewer == PROVIDER:
            return _("De klant stort zijn eigen aandeel (uiterlijk %(day)s).") % {
                "day": _day(project.deposit_due_on)
            }
        return _(
            "Stort uw eigen aandeel van %(amount)s in uw portefeuille, uiterlijk op %(day)s."
        ) % {"amount": euro(project.own_share), "day": _day(Project.next_deadline(project, on))}
    if status == Status.DEPOSITED:
        return _("Het agentschap kent de subsidie toe.")
    if status in (Status.GRANTED, Status.PARTIALLY_PAID):
        outstanding = {"amount": euro(project.amount_outstanding)}
        if viewer == PROVIDER:
            return _("De klant geeft opdracht tot betaling van %(amount)s.") % outstanding
        return _("Geef opdracht tot betaling van %(amount)s aan uw dienstverlener.") % outstanding
    if status == Status.PAID:
        return _("Het agentschap sluit het dossier af.")
    return _("Geen: het dossier is afgesloten.")


# --- The history ----------------------------------------------------------------------

# Who takes each step: shown in a dossier's history instead of agency staff's names.
ACTION_SIDE = {
    Action.SUBMIT: SME,
    Action.CONFIRM: PROVIDER,
    Action.REFUSE: PROVIDER,
    Action.RECORD_DEPOSIT: "agency",
    Action.GRANT: "agency",
    Action.RECORD_PAYMENT: "agency",
    Action.CLOSE: "agency",
    Action.LAPSE: "system",
}
SIDE_LABELS = {
    SME: _("de klant"),
    PROVIDER: _("de dienstverlener"),
    "agency": _("het agentschap"),
    "system": _("automatisch, termijn verstreken"),
}


def _event_side(event):
    if event.action == Action.STOP:
        # Stopped by the client or by the agency: the service says which in the remark.
        return "agency" if event.actor_id and event.actor.is_staff else SME
    return ACTION_SIDE.get(event.action, "agency")


def history_rows(project, *, viewer):
    """The dossier's events for its history table, as seen by `viewer`.

    Names are shown only for the viewer's own side: a provider sees which
    colleague confirmed, not which agency employee granted the subsidy.
    """
    rows = []
    for event in project.events.all():
        side = _event_side(event)
        by = SIDE_LABELS[side]
        if side == viewer and event.actor_id:
            by = f"{by} ({user_display(event.actor)})"
        rows.append(
            {
                "at": event.at,
                "action": event.get_action_display(),
                "to_status": event.get_to_status_display(),
                "by": by,
                "reason": event.reason,
                "remark": event.remark,
            }
        )
    return rows


# --- Pages ----------------------------------------------------------------------------


class ProjectRow:
    """One dossier in a list, as `viewer` sees it; worked out only where shown."""

    def __init__(self, project, *, viewer, on):
        self.project = project
        self.viewer = viewer
        self.on = on

    @cached_property
    def status(self):
        return effective_status(self.project, self.on)

    @cached_property
    def deadline(self):
        return deadline(self.project, viewer=self.viewer, on=self.on)

    @cached_property
    def next_step(self):
        return next_step(self.project, viewer=self.viewer, on=self.on)


def project_rows(projects, *, viewer, on=None):
    """The rows of a list page (one page of dossiers)."""
    on = on or timezone.localdate()
    return [ProjectRow(project, viewer=viewer, on=on) for project in projects]


def overview_rows(rows):
    """The rows of a page of 2.4 "Overzicht projecten" as its table shows them, from the
    dicts of projects.selectors.OverviewRows (viewed by the provider).

    The status and the next deadline are those ProjectQuerySet.with_deadline() worked
    out in the page's query, the rule the status filter applies too; the service
    type's labels are read once per page. Days and amounts come as the texts the table
    shows: the template lays out a hundred rows, and a filter per cell cost about a
    fifth of the page.
    """
    service_types = dict(Project._meta.get_field("service_type").flatchoices)
    return [
        {
            "url": reverse("projects:detail", args=[row["pk"]]),
            "number": row["number"],
            "title": row["title"],
            "client": row["client__name"],
            "client_kbo": format_kbo_number(row["client__kbo_number"]),
            "service_type": service_types.get(row["service_type"], row["service_type"]),
            "vakgebied": row["vakgebied__name"],
            "service_provider": row["service_provider__name"],
            "filed_on": format_day(row["filed_on"]),
            "start_date": format_day(row["start_date"]),
            "amount": euro(row["amount_excl_vat"]),
            "subsidy": euro(row["subsidy_amount"]),
            "subsidy_percentage": floatformat(row["subsidy_percentage"], "-2"),
            "status": row["effective_status"],
            "deadline": (
                None
                if row["next_deadline"] is None
                else _deadline(
                    row["effective_status"],
                    row["next_deadline"],
                    row["days_left"],
                    viewer=PROVIDER,
                )
            ),
        }
        for row in rows
    ]


def dossier_page(project, *, viewer, on=None):
    """What a dossier's own page shows around its data: history, payments, the next
    step and the next deadline, as `viewer` sees them."""
    on = on or timezone.localdate()
    return {
        "history": history_rows(project, viewer=viewer),
        "payments": project.payments.all(),
        "next_step": next_step(project, viewer=viewer, on=on),
        "deadline": deadline(project, viewer=viewer, on=on),
    }
