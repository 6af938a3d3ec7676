"""The public search, open to anyone without signing in: "Zoek een geregistreerde
dienstverlener" and a listed provider's public page.

The views only read the form and render: directory.selectors decides who is listed
and what a result shows. Both pages count towards one per-IP rate limit.
"""

import copy
from dataclasses import dataclass

from django.http import Http404, QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView
from django_ratelimit.decorators import ratelimit

from directory.cache import cached_page
from directory.forms import DEFAULTS, RADIUS_CHOICES, DirectorySearchForm
from directory.presentation import result_cards, search_texts
from directory.selectors import RADII_KM, provider_search, public_provider
from organisations.reference import POSTCODE_ATTRIBUTION
from portal.ratelimit import directory_rate

# The GET parameters of a search, the only ones a "back to the results" link keeps.
SEARCH_PARAMETERS = (
    "q",
    "vakgebied",
    "type",
    "onderwerp",
    "plaats",
    "straal",
    "sorteer",
    "letterlijk",
    "page",
)
BACK_PARAMETER = "terug"

rate_limit = method_decorator(
    ratelimit(group="directory", key="ip", rate=directory_rate, block=True), name="get"
)


def search_query_string(query):
    """The search parameters of a QueryDict, encoded in their order; nothing else
    gets through, so a "back" link can only lead to the search page."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if name in SEARCH_PARAMETERS:
            kept.setlist(name, values)
    return kept.urlencode()


def search_parameters(query):
    """A copy of a QueryDict with only the search parameters, in their order."""
    return QueryDict(search_query_string(query))


@dataclass(frozen=True)
class SearchRequest:
    """What the cached part of the search page may know of the request: the search.

    It is rendered once and served to every visitor with the same search, so it gets
    this stand-in instead of the request (no user, session, cookies or CSRF token).
    """

    GET: QueryDict


@rate_limit
class DirectorySearchView(TemplateView):
    """The search form and its results; every search is a GET URL.

    Without any criterion it lists every registered provider by name. A search
    without results says why and offers to widen the radius or drop a filter.

    The part that depends on the search (title, form, results) is rendered from
    its own templates and kept in the shared results cache (directory.cache)
    when the search is valid: a repeated search builds no form and runs no query.
    """

    template_name = "directory/search.html"
    title_template_name = "directory/includes/search_title.html"
    body_template_name = "directory/includes/search_body.html"

    def get(self, request, *args, **kwargs):
        query = search_parameters(request.GET)
        parts = cached_page(query.urlencode(), lambda: self._render_search(query))
        context = self.get_context_data(search_title=parts["title"], search_body=parts["body"])
        return self.render_to_response(context)

    def _render_search(self, query):
        """({"title": ..., "body": ...}, whether they may be cached) for this search."""
        data = copy.copy(query)  # shallow: the defaults below set new lists
        for name, value in DEFAULTS.items():
            if not data.get(name):
                data[name] = value
        form = DirectorySearchForm(data)
        back_query = search_query_string(query)
        context = {
            "request": SearchRequest(GET=query),
            "form": form,
            "attribution": POSTCODE_ATTRIBUTION,
            "search_url": reverse("directory:search"),
            "texts": search_texts(active_filters=0),
        }
        if form.is_valid():
            result = provider_search(**form.search_arguments())
            page = result.page(query.get("page", 1))
            context.update(
                result=result,
                page_obj=page,
                cards=result_cards(page.object_list, back_query=back_query),
                place=form.place,
                radius_label=dict(RADIUS_CHOICES)[str(form.cleaned_data["straal"])],
                wider_radius=self._wider_radius(form),
                chosen_vakgebieden=form.vakgebied_names(),
                chosen_types=form.cleaned_data["type"],
                has_criteria=self._has_criteria(form),
                texts=search_texts(
                    active_filters=self._active_filters(form),
                    result=result,
                    page=page,
                    place=form.place,
                ),
            )
        parts = {
            "title": render_to_string(self.title_template_name, context).strip(),
            "body": render_to_string(self.body_template_name, context),
        }
        return parts, form.is_valid()

    @staticmethod
    def _wider_radius(form):
        if form.place is None:
            return None
        wider = [radius for radius in RADII_KM if radius > form.cleaned_data["straal"]]
        return wider[0] if wider else None

    @staticmethod
    def _active_filters(form):
        """How many filters narrow the search (place, types, vakgebieden, topic): the
        folded filter panel says so on narrow screens."""
        data = form.cleaned_data
        return (
            (form.place is not None)
            + len(data["type"])
            + len(data["vakgebied"])
            + bool(data["onderwerp"])
        )

    @staticmethod
    def _has_criteria(form):
        data = form.cleaned_data
        return bool(
            data["q"] or data["vakgebied"] or data["type"] or data["onderwerp"] or form.place
        )


@rate_limit
class PublicProviderView(TemplateView):
    """A listed provider's public page: presentation, vakgebieden, active
    establishments, registrations in force and contact data.

    A 404 for anyone who is not listed (any more): a lapsed registration takes the
    page offline without anything having to run.
    """

    template_name = "directory/provider_detail.html"

    def get_context_data(self, **kwargs):
        provider = public_provider(self.kwargs["pk"])
        if provider is None:
            raise Http404
        back_query = search_query_string(QueryDict(self.request.GET.get(BACK_PARAMETER, "")))
        search_url = reverse("directory:search")
        return super().get_context_data(
            provider=provider,
            back_url=f"{search_url}?{back_query}" if back_query else None,
            search_url=search_url,
            canonical_url=self.request.build_absolute_uri(self.request.path),
            **kwargs,
        )
