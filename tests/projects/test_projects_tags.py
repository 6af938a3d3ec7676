"""projects_tags: the status badge and the next deadline as the dossier pages show them."""

import datetime

from django.utils.translation import override

from projects.models import Project
from projects.presenters import Deadline
from projects.templatetags.projects_tags import deadline_note, status_badge


def test_a_status_badge_has_its_colour_and_its_label():
    with override("nl"):
        assert status_badge(Project.Status.PAID) == (
            '<span class="badge text-bg-success">betaald</span>'
        )


def test_an_unknown_status_is_shown_as_it_is_escaped_on_a_neutral_badge():
    assert status_badge("<b>") == '<span class="badge text-bg-light border">&lt;b&gt;</span>'


def test_a_deadline_shows_its_day_what_it_is_for_and_the_days_left():
    with override("nl"):
        html = deadline_note(Deadline(datetime.date(2026, 3, 4), "te bevestigen", 2))

    assert '<span class="text-nowrap">04/03/2026</span>' in html
    assert '<span class="d-block small">te bevestigen</span>' in html
    assert '<span class="d-block small">' in html.split("te bevestigen")[1]
    assert "text-danger" not in html


def test_an_overdue_deadline_is_red_and_bold_and_no_deadline_is_a_dash():
    html = deadline_note(Deadline(datetime.date(2026, 3, 4), "<te bevestigen>", -1))

    assert '<span class="d-block small text-danger fw-bold">' in html
    assert "&lt;te bevestigen&gt;" in html
    assert deadline_note(None) == "–"
