"""The worker's task of the public search: the documents of providers whose listing
changes at midnight (a registration's validity starts or ended), which no save announces."""

from celery import shared_task

from directory.index import search_documents_refresh_listing


@shared_task(ignore_result=True)
def search_documents_listing_refresh():
    """Once a day just after midnight (beat); safe to run twice."""
    return search_documents_refresh_listing()
