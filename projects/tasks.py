"""The worker's tasks of projects: the daily lapse of dossiers whose own share was not paid."""

from celery import shared_task

from projects.services import projects_lapse_due


@shared_task(ignore_result=True)
def projects_lapse():
    """Once a day (beat), as `manage.py lapse_projects`: each lapse is recorded once."""
    return projects_lapse_due()
