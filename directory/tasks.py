"""The worker's task of the public search: the documents of providers whose listing
changes at midnight (a registration's validity starts or ended), which no save announces,
and the vocabulary's counts, which saves only add to."""

from celery import shared_task

from directory.index import search_documents_refresh_listing, search_words_recount


@shared_task(ignore_result=True)
def search_documents_listing_refresh():
    """Once a day just after midnight (beat); safe to run twice."""
    refreshed = search_documents_refresh_listing()
    search_words_recount()
    return refreshed
