"""The worker's tasks of core: deliver the outbox (core.mail) and clear expired sessions.

Each is safe to run twice and to be delivered twice (the broker redelivers the task of
a worker that died, CELERY_TASK_ACKS_LATE): delivering a mail starts with a claim that
only one worker wins, and the sweep and the session cleaning only look at what is due.
"""

from celery import shared_task
from django.core.management import call_command

from core import mail


@shared_task(ignore_result=True)
def mail_deliver(pk):
    """Deliver outbox row `pk`, unless another worker has it or it is not due (core.mail)."""
    mail.outbox_deliver(pk)


@shared_task(ignore_result=True)
def mail_outbox_sweep():
    """Every minute (beat): ask for every due outbox row, so that nothing waits for ever."""
    return mail.outbox_sweep()


@shared_task(ignore_result=True)
def sessions_clear():
    """Once a day (beat): delete the expired sessions, as `manage.py clearsessions` does."""
    call_command("clearsessions")
