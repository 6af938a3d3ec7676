"""The worker's tasks of registrations: the daily reminders before a registration ends."""

from celery import shared_task

from registrations.reminders import expiry_reminders_send


@shared_task(ignore_result=True)
def registration_reminders_send():
    """Once a day (beat), as `manage.py send_registration_reminders`: each reminder once."""
    summary = expiry_reminders_send()
    return {"six_months": summary.six_months, "three_months": summary.three_months}
