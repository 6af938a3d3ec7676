"""Feedback after an action: the menu without a choice, switching organisation, signing out,
and how the messages are marked up for a screen reader."""

import pytest
from django.contrib import messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tests.portal.oidc_support import KBO_A, KBO_B, provider_right

pytestmark = pytest.mark.django_db


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


# --- The provider menu ------------------------------------------------------------


def test_verder_without_a_choice_shows_what_to_do_next_to_the_radio_group(client, dave, org_a):
    client.force_login(dave)
    client.post(reverse("portal:choose-organisation"), {"organisation": org_a.pk})

    # What a browser sends for "Verder" with no radio button chosen: only the button.
    response = client.get(reverse("portal:provider-menu"), {"verder": "1"})

    assert response.status_code == 200
    html = response.content.decode()
    fieldset = html[html.index("<fieldset") : html.index("</fieldset>")]
    assert 'aria-describedby="bewerking-error"' in fieldset
    assert 'id="bewerking-error" role="alert"' in fieldset
    assert "Duid een bewerking aan." in fieldset
    assert 'aria-invalid="true"' in fieldset


def test_the_menu_says_what_a_provider_can_do_there(client, dave, org_a):
    client.force_login(dave)
    client.post(reverse("portal:choose-organisation"), {"organisation": org_a.pk})

    response = client.get(reverse("portal:provider-menu"))

    assert "bewerking-error" not in response.content.decode()
    assert "Hier beheert u de gegevens, registraties en vestigingen" in response.content.decode()


# --- Switching organisation ----------------------------------------------------------


def test_choosing_an_organisation_says_for_whom_the_person_now_works(client, dave, org_b):
    client.force_login(dave)

    response = client.post(
        reverse("portal:choose-organisation"), {"organisation": org_b.pk}, follow=True
    )

    assert shown_messages(response) == ["U werkt nu voor Adviesbureau Leie."]


def test_a_targeted_sign_in_says_for_whom_the_person_now_works(client, op):
    rights = [provider_right(KBO_A), provider_right(KBO_B)]
    op.sign_in(client, vlaio_inkom_rol_3d=rights)

    op.sign_in(client, {"organisation": KBO_B}, vlaio_inkom_rol_3d=rights, vo_orgcode=KBO_B)

    response = client.get(reverse("portal:provider-menu"))
    name = response.context["organisation"].name
    assert shown_messages(response) == [f"U werkt nu voor {name}."]


def test_an_untargeted_sign_in_says_nothing_about_switching(client, op):
    op.sign_in(client, vlaio_inkom_rol_3d=[provider_right(KBO_A), provider_right(KBO_B)])

    response = client.get(reverse("portal:choose-organisation"))

    assert shown_messages(response) == []


# --- Signing out ---------------------------------------------------------------------


def test_the_home_page_says_the_person_is_signed_out(client, op):
    op.sign_in(client)

    client.post(reverse("oidc_logout"))
    # The OP's logout sends the browser back to the home page.
    response = client.get(reverse("portal:home"))

    assert shown_messages(response) == ["U bent afgemeld."]
    assert '<div class="alert alert-success" role="status">U bent afgemeld.</div>' in (
        response.content.decode()
    )


def test_signing_out_without_a_session_says_nothing(client):
    client.post(reverse("oidc_logout"))

    response = client.get(reverse("portal:home"))

    assert shown_messages(response) == []


# --- The markup of the messages ------------------------------------------------------


def test_an_error_interrupts_and_a_confirmation_is_announced_politely():
    request = RequestFactory().get("/")
    html = render_to_string(
        "includes/messages.html",
        {
            "messages": [
                messages.storage.base.Message(messages.SUCCESS, "De vestiging is gewijzigd."),
                messages.storage.base.Message(messages.ERROR, "Dat lukte niet."),
            ]
        },
        request=request,
    )

    assert 'class="alert alert-success" role="status">De vestiging is gewijzigd.' in html
    assert 'class="alert alert-danger" role="alert">Dat lukte niet.' in html
