"""core.drafts.SessionDraft: a wizard's input kept in the session per object."""

from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.signed_cookies import SessionStore

from core.drafts import SessionDraft

WIZARD = "a_wizard"


def test_there_is_no_draft_before_the_first_page_is_sent():
    assert SessionDraft(SessionBase(), WIZARD, 1).get() is None


def test_each_object_has_its_own_draft():
    session = SessionBase()
    SessionDraft(session, WIZARD, 1).save({"name": "Acme"})
    SessionDraft(session, WIZARD, "new").save({"name": "Nieuw"})

    assert SessionDraft(session, WIZARD, 1).get() == {"name": "Acme"}
    assert SessionDraft(session, WIZARD, "new").get() == {"name": "Nieuw"}
    assert SessionDraft(session, "another_wizard", 1).get() is None


def test_an_id_and_its_text_name_the_same_draft():
    session = SessionBase()
    SessionDraft(session, WIZARD, 7).save({"step": 1})

    assert SessionDraft(session, WIZARD, "7").get() == {"step": 1}
    assert session[WIZARD] == {"7": {"step": 1}}


def test_update_keeps_the_other_steps_and_save_replaces_everything():
    draft = SessionDraft(SessionBase(), WIZARD, 1)
    draft.update(step1={"name": "Acme"})
    draft.update(step2={"description": "Opleidingen"})
    assert draft.get() == {"step1": {"name": "Acme"}, "step2": {"description": "Opleidingen"}}

    draft.save({"step1": {"name": "Acme NV"}})

    assert draft.get() == {"step1": {"name": "Acme NV"}}


def test_clearing_forgets_only_this_objects_draft():
    session = SessionBase()
    SessionDraft(session, WIZARD, 1).save({"name": "Acme"})
    SessionDraft(session, WIZARD, 2).save({"name": "Beta"})

    SessionDraft(session, WIZARD, 1).clear()
    SessionDraft(session, WIZARD, 3).clear()

    assert SessionDraft(session, WIZARD, 1).get() is None
    assert session[WIZARD] == {"2": {"name": "Beta"}}


def test_every_change_marks_the_session_for_saving():
    session = SessionBase()
    SessionDraft(session, WIZARD, 1).save({"name": "Acme"})
    for change in (
        lambda draft: draft.update(name="Acme NV"),
        lambda draft: draft.save({}),
        lambda draft: draft.clear(),
    ):
        session.modified = False
        change(SessionDraft(session, WIZARD, 1))
        assert session.modified


def test_a_draft_survives_the_next_request():
    session = SessionStore()
    SessionDraft(session, WIZARD, 1).update(
        step1={"start_date": "2026-03-01", "amount": "1250.50"}
    )
    session.save()

    next_request = SessionStore(session_key=session.session_key)

    assert SessionDraft(next_request, WIZARD, 1).get() == {
        "step1": {"start_date": "2026-03-01", "amount": "1250.50"}
    }
