import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_answers_ok_in_plain_text(client):
    response = client.get(reverse("portal:health"))

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"


def test_it_touches_neither_the_database_nor_the_session(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("portal:health"))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_it_needs_no_login_and_lives_at_gezondheid(client):
    assert reverse("portal:health") == "/gezondheid/"
    assert client.get("/gezondheid/").status_code == 200
