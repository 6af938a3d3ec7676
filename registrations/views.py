"""2.1 "Registraties beheren": the overview per service provider, the request form,
a registration's detail page, withdrawing a pending request, the audit report
and the "attest van registratie".

Every page is scoped to the active organisation: another organisation's
registration, file or certificate is a 404. Changes go through
registrations.services; the views only translate their errors into messages.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from core.downloads import pdf_attachment, stored_pdf_attachment
from core.forms import add_service_errors
from core.idempotency import SubmitOnceMixin, submit_once
from core.people import user_display
from portal.access import ProviderAccessMixin
from providers.models import ServiceProvider
from registrations.certificate import AGENCY_NAME, registration_certificate_pdf
from registrations.forms import (
    REUPLOAD_HELP,
    QualityLabelFormSet,
    RegistrationCancelForm,
    RegistrationRequestForm,
)
from registrations.models import (
    AUDIT_REPORT_DEFAULT_NAME,
    DECLARATION_TEXT,
    Registration,
    RegistrationEvent,
    ServiceType,
)
from registrations.selectors import registration_overview
from registrations.services import registration_cancel, registration_request

Status = Registration.Status

EXPLANATION = _(
    "Een dienstverlener wordt per type dienstverlening (opleiding, advies) geregistreerd na "
    "een audit volgens de kmop-norm. Een registratie is vijf jaar geldig, voor een starter "
    "eerst twee jaar. Enkel dienstverleners met een geldige registratie staan in de "
    "zoekmodule voor de klanten."
)


def status_label(registration, today=None):
    """The status as the provider reads it: an approved registration past its end is "verlopen"."""
    if registration.has_expired(today):
        return _("verlopen")
    if registration.status == Status.APPROVED and not registration.is_in_force(today):
        return _("goedgekeurd, nog niet van kracht")
    return registration.get_status_display()


def next_step(registration, today=None):
    """What happens next for `registration`, in one sentence for the provider."""
    today = today or timezone.localdate()
    status = registration.status
    if status == Status.REQUESTED:
        return _(
            "In behandeling bij het agentschap. U krijgt een e-mail zodra er een beslissing is."
        )
    if status == Status.APPROVED:
        until = formats.date_format(registration.valid_until, "j F Y")
        if registration.has_expired(today):
            return _(
                "Verlopen op %(date)s: de dienstverlener staat niet meer in de zoekmodule. "
                "Vraag een nieuwe registratie aan."
            ) % {"date": until}
        if registration.valid_from > today:
            return _("Van kracht vanaf %(from)s, geldig tot en met %(until)s.") % {
                "from": formats.date_format(registration.valid_from, "j F Y"),
                "until": until,
            }
        if registration.is_starter and registration.renewed_at is None:
            return _(
                "Geldig tot en met %(date)s. Als starter laat u tijdig de opvolgingsaudit "
                "uitvoeren: daarna verlengt het agentschap de registratie met drie jaar."
            ) % {"date": until}
        return _("Geldig tot en met %(date)s; vraag tijdig een nieuwe registratie aan.") % {
            "date": until
        }
    if status == Status.REFUSED:
        return _("Geweigerd: %(reason)s") % {"reason": registration.reason}
    if status == Status.SUSPENDED:
        return _(
            "Geschorst: %(reason)s. Zolang de schorsing loopt, staat de dienstverlener niet "
            "in de zoekmodule."
        ) % {"reason": registration.reason}
    if status == Status.WITHDRAWN:
        return _("Ingetrokken door het agentschap: %(reason)s") % {"reason": registration.reason}
    if status == Status.EXCLUDED:
        return _("Uitgesloten: %(reason)s") % {"reason": registration.reason}
    return _("U hebt deze aanvraag ingetrokken. U kunt een nieuwe registratie aanvragen.")


def event_actor(event):
    """Who did it, as the provider may see it: agency staff are "the agency", not a name."""
    actor = event.actor
    if actor is None or actor.is_staff:
        return AGENCY_NAME
    return user_display(actor)


class RegistrationListView(ProviderAccessMixin, TemplateView):
    """ "Registraties beheren": per service provider (MZ first) its registrations and what's next.

    Two queries whatever the number of providers and registrations: the
    providers, and their registrations prefetched.
    """

    template_name = "registrations/registration_list.html"
    menu_key = "registraties"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        providers = list(registration_overview(organisation=self.organisation))
        has_advice = False
        for provider in providers:
            for registration in provider.registrations.all():
                has_advice = has_advice or registration.service_type == ServiceType.ADVICE
                registration.status_label = status_label(registration, today)
                registration.next_step = next_step(registration, today)
                registration.in_force = registration.is_in_force(today)
        return super().get_context_data(
            providers=providers,
            explanation=EXPLANATION,
            # The reform of 1 February 2026 (advice only on cybersecurity), for those it
            # concerns: projects/includes/advice_notice_provider.html.
            has_advice=has_advice,
            **kwargs,
        )


class RegistrationCreateView(SubmitOnceMixin, ProviderAccessMixin, TemplateView):
    """The request for a registration of one of the organisation's service providers.

    On an error everything typed is kept, except the chosen file: browsers do
    not refill a file input, so the page asks to choose it again. A second submit
    of the same form (a double click) files nothing and shows the request filed.
    """

    template_name = "registrations/registration_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.service_provider = None
        return super().dispatch(request, *args, **kwargs)

    def get_service_provider(self):
        return get_object_or_404(
            ServiceProvider.objects.for_organisation(self.organisation),
            pk=self.kwargs["provider_pk"],
        )

    def get(self, request, *args, **kwargs):
        self.service_provider = self.get_service_provider()
        # "?type=A" preselects the service type (the links on the overview).
        initial = {}
        if request.GET.get("type") in ServiceType.values:
            initial["service_type"] = request.GET["type"]
        return self.render_to_response(
            self.get_context_data(
                form=RegistrationRequestForm(initial=initial),
                formset=QualityLabelFormSet(prefix="labels"),
            )
        )

    def post(self, request, *args, **kwargs):
        self.service_provider = self.get_service_provider()
        form = RegistrationRequestForm(data=request.POST, files=request.FILES)
        formset = QualityLabelFormSet(data=request.POST, prefix="labels")
        if form.is_valid() and formset.is_valid():
            try:
                with submit_once(request) as submission:
                    if submission.earlier_url:
                        return submission.redirect_to_earlier(_("Deze aanvraag was al ingediend."))
                    registration = registration_request(
                        service_provider=self.service_provider,
                        service_type=form.cleaned_data["service_type"],
                        audit_body=form.cleaned_data["audit_body"],
                        audit_date=form.cleaned_data["audit_date"],
                        audit_report=form.cleaned_data["audit_report"],
                        is_starter=form.cleaned_data["is_starter"],
                        declaration_accepted=form.cleaned_data["declaration_accepted"],
                        quality_labels=[
                            label
                            for label in (row.as_label() for row in formset.forms)
                            if label is not None
                        ],
                        user=request.user,
                    )
                    submission.done(
                        reverse("registrations:detail", kwargs={"pk": registration.pk})
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Uw aanvraag is ingediend. Het agentschap behandelt ze; u krijgt een "
                        "e-mail zodra er een beslissing is."
                    ),
                )
                return redirect("registrations:detail", pk=registration.pk)
        form.prepare_for_redisplay()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def get_context_data(self, **kwargs):
        form, formset = kwargs.get("form"), kwargs.get("formset")
        error_count = 0
        if form is not None and formset is not None:
            error_count = sum(len(errors) for errors in form.errors.values())
            error_count += len(formset.non_form_errors())
            error_count += sum(
                len(errors) for row in formset.forms for errors in row.errors.values()
            )
        return super().get_context_data(
            service_provider=self.service_provider,
            declaration_text=DECLARATION_TEXT,
            error_count=error_count,
            reupload_help=REUPLOAD_HELP,
            **kwargs,
        )


class RegistrationScopedMixin(ProviderAccessMixin):
    """A registration of the organisation (another organisation's one is a 404)."""

    model = Registration

    def get_queryset(self):
        return super().get_queryset().select_related("service_provider")


class RegistrationDetailView(RegistrationScopedMixin, DetailView):
    """Everything about one registration: audit, labels, declaration and what happened."""

    template_name = "registrations/registration_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                "quality_labels",
                Prefetch("events", queryset=RegistrationEvent.objects.select_related("actor")),
            )
        )

    def get_context_data(self, **kwargs):
        registration = self.object
        today = timezone.localdate()
        events = list(registration.events.all())
        for event in events:
            event.actor_display = event_actor(event)
        return super().get_context_data(
            registration=registration,
            events=events,
            quality_labels=list(registration.quality_labels.all()),
            status_label=status_label(registration, today),
            next_step=next_step(registration, today),
            in_force=registration.is_in_force(today),
            is_pending=registration.status == Status.REQUESTED,
            shows_reason=registration.status
            in {Status.REFUSED, Status.SUSPENDED, Status.WITHDRAWN, Status.EXCLUDED}
            and registration.reason,
            **kwargs,
        )


class RegistrationCancelView(RegistrationScopedMixin, DetailView):
    """Withdraw a pending request: a confirmation page (GET), then the withdrawal (POST)."""

    template_name = "registrations/registration_cancel.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status != Status.REQUESTED:
            return self._not_pending()
        return self.render_to_response(
            self.get_context_data(registration=self.object, form=RegistrationCancelForm())
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status != Status.REQUESTED:
            return self._not_pending()
        form = RegistrationCancelForm(data=request.POST)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(registration=self.object, form=form)
            )
        try:
            registration_cancel(
                registration=self.object, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError:
            # Decided or withdrawn between the page and the click.
            return self._not_pending()
        messages.success(request, _("Uw aanvraag is ingetrokken."))
        return redirect("registrations:detail", pk=self.object.pk)

    def _not_pending(self):
        messages.error(
            self.request,
            _(
                "Deze aanvraag kan niet meer ingetrokken worden: het agentschap heeft al "
                "beslist of ze is al ingetrokken."
            ),
        )
        return redirect("registrations:detail", pk=self.object.pk)


class AuditReportDownloadView(RegistrationScopedMixin, DetailView):
    """The uploaded audit report, only to its own organisation (staff use the admin)."""

    def get(self, request, *args, **kwargs):
        registration = self.get_object()
        return stored_pdf_attachment(
            registration.audit_report,
            filename=registration.audit_report_name,
            default=AUDIT_REPORT_DEFAULT_NAME,
        )


class CertificateView(RegistrationScopedMixin, DetailView):
    """The "attest van registratie" as a PDF, only while the registration is in force."""

    def get_queryset(self):
        return super().get_queryset().in_force()

    def get(self, request, *args, **kwargs):
        registration = self.get_object()
        return pdf_attachment(
            registration_certificate_pdf(registration),
            filename=f"attest-van-registratie-{registration.number}.pdf",
        )
