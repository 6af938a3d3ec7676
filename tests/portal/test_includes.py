from django import forms
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


class ContactForm(forms.Form):
    name = forms.CharField(label="Naam")
    email = forms.EmailField(label="E-mailadres")

    def clean(self):
        raise forms.ValidationError("Dit formulier is gesloten.")


def test_the_error_summary_links_each_field_error_to_its_field():
    form = ContactForm(data={"name": "", "email": "geen-adres"})
    html = render_to_string("includes/form_errors.html", {"form": form})
    assert 'role="alert"' in html
    assert "Er zijn fouten in het formulier" in html
    assert '<a href="#id_name">Naam: ' in html
    assert '<a href="#id_email">E-mailadres: ' in html
    assert "Dit formulier is gesloten." in html
    assert "3 fouten" in html


def test_the_error_summary_stays_empty_for_an_unbound_form():
    html = render_to_string("includes/form_errors.html", {"form": ContactForm()})
    assert html.strip() == ""


def test_the_pagination_keeps_the_other_query_parameters():
    request = RequestFactory().get("/lijst/", {"q": "gent", "page": "2"})
    page_obj = Paginator(range(100), 10).page(2)
    html = render_to_string("includes/pagination.html", {"page_obj": page_obj}, request=request)
    assert '<nav aria-label="Paginering">' in html
    assert 'href="?q=gent&amp;page=3"' in html
    assert 'href="?q=gent&amp;page=1"' in html
    assert 'aria-current="page"><span class="visually-hidden">Pagina </span>2<' in html


def test_the_pagination_is_absent_for_a_single_page():
    request = RequestFactory().get("/lijst/")
    page_obj = Paginator(range(5), 10).page(1)
    html = render_to_string("includes/pagination.html", {"page_obj": page_obj}, request=request)
    assert html.strip() == ""


def test_the_page_links_keep_repeated_parameters_in_order_and_leave_the_request_alone():
    request = RequestFactory().get("/lijst/?vakgebied=ict&page=2&vakgebied=energie&q=a+b")
    page_obj = Paginator(range(100), 10).page(2)
    html = render_to_string("includes/pagination.html", {"page_obj": page_obj}, request=request)
    assert 'href="?vakgebied=ict&amp;vakgebied=energie&amp;page=3&amp;q=a+b"' in html
    assert request.GET.urlencode() == "vakgebied=ict&vakgebied=energie&page=2&q=a+b"
