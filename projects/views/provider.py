"""The provider's side, menu option 2.4 "Overzicht projecten" (ProviderAccessMixin): the
overview with filters, sorting, totals and exports, a dossier's page and the
confirmation pages to confirm or refuse an application."""

from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView

from portal.access import ProviderAccessMixin
from projects import exports, presenters
from projects.forms import ConfirmForm, OverviewFilterForm, RefuseForm
from projects.models import Project
from projects.selectors import (
    OverviewRows,
    project_overview_filtered,
    project_overview_totals,
)
from projects.services import project_confirm, project_refuse
from projects.views.dossier import DossierDetailView, DossierStepView

Status = Project.Status

# The overview's sortable columns; the dates and the amount sort newest/largest first.
SORT_COLUMNS = ("aanvraagdatum", "startdatum", "klant", "bedrag", "status")
SORTED_DESCENDING_FIRST = ("aanvraagdatum", "startdatum", "bedrag")


class ProjectFiltersMixin(ProviderAccessMixin):
    """The overview's filter form, bound to the GET parameters, shared by the list and
    the exports so that an export holds exactly the rows the list shows."""

    def get_filter_form(self):
        if not hasattr(self, "_filter_form"):
            data = self.request.GET if self.request.GET else None
            form = OverviewFilterForm(data, organisation=self.organisation)
            form.is_valid()
            self._filter_form = form
        return self._filter_form

    def get_filters(self):
        return self.get_filter_form().filters()


class ProjectListView(ProjectFiltersMixin, ListView):
    """2.4 "Overzicht projecten": the dossiers naming the organisation's service providers.

    Filters, sort order and page are GET parameters (shareable URLs, no
    JavaScript). The totals of the filtered set come from one aggregate that
    also gives the paginator its count, and a page is one query
    (selectors.OverviewRows) of plain values that presenters.overview_rows lays
    out, so a page costs the same number of queries whatever its size.
    """

    template_name = "projects/project_list.html"
    context_object_name = "projects"
    menu_key = "projecten"

    def get_paginate_by(self, queryset):
        return self.get_filter_form().page_size()

    def get_queryset(self):
        filters = self.get_filters()
        sort = {"sort": filters.pop("sort"), "descending": filters.pop("descending")}
        self.totals = project_overview_totals(
            project_overview_filtered(organisation=self.organisation, **filters)
        )
        return OverviewRows(
            count=self.totals["count"], organisation=self.organisation, **filters, **sort
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_filter_form()
        filters = form.filters()
        context.update(
            {
                "rows": presenters.overview_rows(context["projects"]),
                "filter_form": form,
                "totals": self.totals,
                "sort": filters["sort"],
                "descending": filters["descending"],
                "sort_columns": self.sort_columns(filters),
                "query_string": self.query_without_page().urlencode(),
                # The reform of 1 February 2026 concerns those registered for advice
                # (known from the filter's list of service providers, no query of its own).
                "has_advice": any(provider.offers_advice for provider in form.service_providers()),
            }
        )
        return context

    def query_without_page(self):
        query = self.request.GET.copy()
        query.pop("page", None)
        return query

    def sort_columns(self, filters):
        """Per sortable column: the link that sorts on it (toggling the direction when it
        is the current sort) and its aria-sort value."""
        columns = {}
        for key in SORT_COLUMNS:
            current = filters["sort"] == key
            query = self.query_without_page()
            query["sorteer"] = key
            if current:
                query["volgorde"] = "op" if filters["descending"] else "af"
            else:
                query["volgorde"] = "af" if key in SORTED_DESCENDING_FIRST else "op"
            aria = ""
            if current:
                aria = "descending" if filters["descending"] else "ascending"
            columns[key] = {"url": f"?{query.urlencode()}", "aria_sort": aria, "current": current}
        return columns


class ProjectExportView(ProjectFiltersMixin, View):
    """The filtered overview as a CSV (streamed) or XLSX file; same filters and order."""

    file_format = "csv"

    def get(self, request, *args, **kwargs):
        filters = self.get_filters()
        if self.file_format == "xlsx":
            return exports.xlsx_response(organisation=self.organisation, filters=filters)
        return exports.csv_response(organisation=self.organisation, filters=filters)


class ProviderDossierMixin(ProviderAccessMixin):
    """A dossier naming the organisation's service providers; any other is a 404."""

    viewer = presenters.PROVIDER
    detail_url_name = "projects:detail"

    def dossiers(self):
        return Project.objects.for_organisation(self.organisation)


class ProjectDetailView(ProviderDossierMixin, DossierDetailView):
    """A dossier with its history of transitions and its payments."""

    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_decide=self.object.status == Status.SUBMITTED, **kwargs
        )


class ProjectDecisionView(ProviderDossierMixin, DossierStepView):
    """Base of "Bevestigen" and "Weigeren". Only a submitted application can be decided;
    otherwise the person goes back to the dossier with the reason."""

    def is_allowed(self, project):
        return project.status == Status.SUBMITTED

    def not_allowed_message(self, project):
        return _("Deze aanvraag is al beslist: het dossier heeft status '%(status)s'.") % {
            "status": project.get_effective_status_display()
        }


class ProjectConfirmView(ProjectDecisionView):
    """ "Bevestigen": the client then has 30 days to pay its own share."""

    template_name = "projects/project_confirm.html"
    form_class = ConfirmForm
    success_message = _("U hebt de aanvraag bevestigd. De klant krijgt een e-mail.")

    def perform(self, project, data):
        project_confirm(project=project, user=self.request.user, remark=data["remark"])


class ProjectRefuseView(ProjectDecisionView):
    """ "Weigeren": a reason from the list and a remark for the client."""

    template_name = "projects/project_refuse.html"
    form_class = RefuseForm
    success_message = _("U hebt de aanvraag geweigerd. De klant krijgt een e-mail.")

    def perform(self, project, data):
        project_refuse(
            project=project, user=self.request.user, reason=data["reason"], remark=data["remark"]
        )
