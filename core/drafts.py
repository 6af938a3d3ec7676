"""What a wizard has been given so far, kept in the session until it is saved.

A wizard (several pages, one save at the end) keeps its input between pages
without writing anything: per wizard one session key (`namespace`), under it one
draft per object the wizard works on (`key`: a service provider's id, "new",
an organisation's KBO number). Two tabs on two objects keep two drafts; going
back keeps what was typed.

    draft = SessionDraft(request.session, "provider_wizard", provider.pk)
    draft.update(step1=data)
    draft.get()   # {"step1": {...}} or None
    draft.clear()

Drafts are stored as the session stores everything (JSON): dates as ISO
strings, no model instances.
"""


class SessionDraft:
    """One wizard's draft for one object, in the session under `namespace` and `key`."""

    def __init__(self, session, namespace, key):
        self.session = session
        self.namespace = namespace
        self.key = str(key)

    def _drafts(self):
        # A copy: assigning it back is what tells the session it changed.
        return dict(self.session.get(self.namespace) or {})

    def get(self):
        """The draft, or None when there is none."""
        return self._drafts().get(self.key)

    def save(self, data):
        """Replace the draft with `data`."""
        drafts = self._drafts()
        drafts[self.key] = data
        self.session[self.namespace] = drafts

    def update(self, **values):
        """Add or replace some of the draft's entries, keeping the others."""
        self.save({**(self.get() or {}), **values})

    def clear(self):
        """Forget the draft (saved, or started over); other objects' drafts stay."""
        drafts = self._drafts()
        drafts.pop(self.key, None)
        self.session[self.namespace] = drafts
