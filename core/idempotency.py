"""Create forms that create once, however often they are submitted.

Two quick clicks on "Dien de aanvraag in" send the same form twice, often at the
same moment, each request with the session as it was before the other one changed
it. A create form therefore carries a one-time token (a hidden field), and the view
creates inside `submit_once()`, which writes the token (per user) in the same
transaction as what it creates. The second request's write waits for the first
transaction; once that has committed, the second finds the token and goes where
the first went, with a message, instead of creating again. When the first
request created nothing (the input was refused), its token was never kept and the
second request is handled as a first one.

    class EstablishmentCreateView(SubmitOnceMixin, ...):       # puts the token in the page
        ...
        with submit_once(request) as submission:
            if submission.earlier_url:
                return submission.redirect_to_earlier(_("Deze vestiging was al toegevoegd."))
            establishment = establishment_create(...)
            submission.done(reverse("establishments:detail", kwargs={"pk": establishment.pk}))

and in the form's template: `{% include "includes/submission_token.html" %}`.

A form posted without a (well-formed) token, such as an old page or a script, is
handled as before, without this protection. Tokens are kept for a day.
"""

import datetime
import re
import secrets
from contextlib import contextmanager

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone

from core.models import Submission

TOKEN_FIELD = "submission_token"  # noqa: S105 - a form field name, not a secret
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEEP_FOR = datetime.timedelta(days=1)


def submission_token(request):
    """The token for a create form on this page: the one it was posted with (a form
    shown again with errors keeps its token), else a new one."""
    posted = request.POST.get(TOKEN_FIELD, "") if request.method == "POST" else ""
    return posted if TOKEN_PATTERN.fullmatch(posted) else secrets.token_urlsafe(24)


class OnceSubmission:
    """What submit_once() knows about this submit: `earlier_url` when the same form
    was already submitted (and what it created can be seen there)."""

    def __init__(self, request):
        self.request = request
        self.earlier_url = None
        self.result_url = None
        self.claim = None

    def done(self, url):
        """The form created what can be seen at `url`; a second submit goes there."""
        self.result_url = url

    def redirect_to_earlier(self, message):
        messages.info(self.request, message)
        return redirect(self.earlier_url)


def _posted_token(request):
    token = request.POST.get(TOKEN_FIELD, "")
    return token if TOKEN_PATTERN.fullmatch(token) else None


@contextmanager
def submit_once(request):
    """A transaction in which the view creates, once per form token (see the module).

    An exception inside (a ValidationError of the service) rolls back the token
    with the rest, so that the form can be corrected and submitted again.
    """
    submission = OnceSubmission(request)
    token = _posted_token(request)
    with transaction.atomic():
        if token is not None and request.user.is_authenticated:
            try:
                with transaction.atomic():
                    submission.claim = Submission.objects.create(user=request.user, token=token)
            except IntegrityError:
                submission.earlier_url = (
                    Submission.objects.filter(user=request.user, token=token)
                    .values_list("result_url", flat=True)
                    .first()
                )
        yield submission
        claim = submission.claim
        if claim is not None:
            if submission.result_url:
                claim.result_url = submission.result_url
                claim.save(update_fields=["result_url"])
            else:
                # Nothing was created (the view answered otherwise): the token stays usable.
                claim.delete()
            Submission.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()


class SubmitOnceMixin:
    """For a view whose form creates something: the form's one-time token in the
    context (`submission_token`), for includes/submission_token.html."""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("submission_token", submission_token(self.request))
        return super().get_context_data(**kwargs)
