"""The public search's storage: one narrow document per service provider, the lexemes
of the portable search, the inverted index of PostgreSQL and the vocabulary that
corrects typos. directory.index writes them; the search (directory.selectors and the
modules it names) reads them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from providers.models import ServiceProvider


class ProviderSearchDocument(models.Model):
    """The row of the public search for one service provider: narrow, because a
    search for a common word reads tens of thousands of them.

    On PostgreSQL the table also has `search_vector`, a stored tsvector with a GIN
    index (directory migration 0002): directory.text's lexemes of the provider's name
    (weight A), the parts of its compounds and the vakgebieden (B), their parts and the
    establishment places (C), the presentation and the service types it is registered
    for (D). The model does not declare it (a column that exists on one database only);
    directory.index writes it with the rest of the row. Whether a provider is listed is
    not stored: registrations.selectors decides that at query time. The service types
    follow a registration's save and, for a validity that starts or ends at midnight,
    the nightly directory.tasks.search_documents_listing_refresh.
    """

    service_provider = models.OneToOneField(
        ServiceProvider,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("dienstverlener"),
    )
    # The provider's organisation, whose establishments the distance is measured to.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("onderneming")
    )
    # The name folded to [a-z0-9]: sorts the same on every database and collation.
    sort_name = models.CharField(_("sorteernaam"), max_length=200, blank=True, default="")
    # The vakgebieden as the result list shows them (one per line), saving it a query.
    vakgebieden_text = models.TextField(_("vakgebieden"), blank=True, default="")
    # What the result list shows that takes work to make, made when the document is
    # written: the phone number as people read it ("09 225 12 34"; formatting twenty
    # numbers took a third of the result texts' time) and the start of the presentation
    # (directory.index.SUMMARY_WORDS; the page then does not read the whole of it).
    phone_text = models.CharField(_("telefoonnummer"), max_length=40, blank=True, default="")
    summary = models.TextField(_("begin van de voorstelling"), blank=True, default="")

    class Meta:
        verbose_name = _("zoekdocument")
        verbose_name_plural = _("zoekdocumenten")
        indexes = [
            # Sorting by name walks this index and stops after the page.
            models.Index(
                fields=["sort_name", "service_provider"], name="searchdocument_sort_name"
            ),
            # Searches without text (filters, distance) read documents by provider
            # for their organisation and sort name: index-only, without touching
            # the wide full-text vector of the row.
            models.Index(
                fields=["service_provider"],
                include=["organisation", "sort_name"],
                name="searchdocument_narrow",
            ),
        ]

    def __str__(self):
        return self.sort_name


class ProviderSearchLexemes(models.Model):
    """The provider's words as directory.text stems them, for the portable
    search that databases without PostgreSQL's full-text search use (and that the
    tests also run on PostgreSQL, to hold both to the same results).

    " lexeme lexeme ... ": a space on both sides, so that " word " finds whole words.
    """

    document = models.OneToOneField(
        ProviderSearchDocument,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="portable",
        verbose_name=_("zoekdocument"),
    )
    lexemes = models.TextField(_("woordstammen"), blank=True, default="")
    name_lexemes = models.TextField(_("woordstammen van de naam"), blank=True, default="")
    # The lexemes of the parts of the name's compounds: a match there ranks below the name's
    # own words and above the rest.
    name_part_lexemes = models.TextField(
        _("woordstammen van delen van de naam"), blank=True, default=""
    )

    class Meta:
        verbose_name = _("woordstammen van een dienstverlener")
        verbose_name_plural = _("woordstammen van dienstverleners")

    def __str__(self):
        return self.name_lexemes.strip()


class ProviderSearchTerm(models.Model):
    """One lexeme of a document's full-text vector with its rank: an inverted index
    that PostgreSQL reads in rank order (PostgreSQL only; empty elsewhere).

    A search for one common word ("advies" is in two thirds of the presentations)
    would otherwise rank every matching document by reading its whole vector. With
    these rows, ordered by (lexeme, rank, sort name, provider) in an index, the page
    is the first rows of an index range and the total an index-only count.
    `rank` is ts_rank of the document's vector for this lexeme alone, which is what
    the full-text query computes for a one-word search, so both give the same
    results in the same order (tests/directory/test_search_terms.py).
    directory.index writes them with the document.
    """

    pk = models.CompositePrimaryKey("document_id", "lexeme")
    document = models.ForeignKey(
        ProviderSearchDocument,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the primary key leads with the document
        verbose_name=_("zoekdocument"),
    )
    lexeme = models.CharField(_("woordstam"), max_length=100)
    rank = models.FloatField(_("rang"))
    # The document's sort name, so that the index also orders equal ranks.
    sort_name = models.CharField(_("sorteernaam"), max_length=200)

    class Meta:
        verbose_name = _("zoekterm van een dienstverlener")
        verbose_name_plural = _("zoektermen van dienstverleners")
        indexes = [
            models.Index(
                models.F("lexeme"),
                models.F("rank").desc(),
                models.F("sort_name"),
                models.F("document"),
                name="searchterm_ranked",
            ),
        ]

    def __str__(self):
        return self.lexeme


class SearchWord(models.Model):
    """A word that occurs in the search documents (or is a part of a compound that does),
    with its lexeme: the vocabulary that tells a known word, completes the word being
    typed and corrects a misspelt one (a trigram index on `word` on PostgreSQL).

    Words are added as documents change and only removed by a rebuild; a stale word
    costs nothing but an alternative that matches no document.
    """

    word = models.CharField(_("woord"), max_length=100, unique=True)
    lexeme = models.CharField(_("woordstam"), max_length=100, db_index=True)
    # Whether a name, presentation or vakgebied uses the word (or a compound has it as
    # a part): only such words correct a typo, never a place's name alone.
    in_text = models.BooleanField(_("in een tekst"), default=True)
    # How many providers' search data have the word's lexeme: a misspelt word is corrected
    # towards the more common of equally near words. Recounted by a rebuild and every
    # night (directory.index.search_words_recount); a word new since then counts the
    # providers that brought it.
    documents = models.PositiveIntegerField(_("aantal dienstverleners"), default=0)

    class Meta:
        verbose_name = _("zoekwoord")
        verbose_name_plural = _("zoekwoorden")

    def __str__(self):
        return self.word


class SearchPlace(models.Model):
    """A point where active establishments are: the search measures distances to these
    and not to each establishment.

    Establishments take their coordinates from their postcode (establishments.models),
    so 150,000 of them stand on a few thousand points: a search within 50 km of Brussel
    computes about 900 distances instead of 67,000. On PostgreSQL the points have a GiST
    index on their place on the earth (contrib's cube and earthdistance, migration 0004)
    that finds those within a radius; elsewhere the index on the coordinates does.
    Points are added as establishments appear and only removed by a rebuild: a point
    nobody stands on any more costs one distance.
    """

    # Floating point, the type the distance is computed in: a search near a place
    # computes one per (point, provider) pair, and converting a decimal column cost a
    # tenth of a text + place statement. An establishment's four decimals (a Decimal)
    # become the same double here as they did in the cast (both round correctly).
    latitude = models.FloatField(_("breedtegraad"))
    longitude = models.FloatField(_("lengtegraad"))

    class Meta:
        verbose_name = _("zoekplaats")
        verbose_name_plural = _("zoekplaatsen")
        constraints = [
            models.UniqueConstraint(fields=["latitude", "longitude"], name="searchplace_point"),
        ]

    def __str__(self):
        return f"{self.latitude}, {self.longitude}"


class ProviderPlace(models.Model):
    """A provider that has an active establishment at a SearchPlace, with that
    establishment's postcode (a search in one municipality only keeps its postcodes).

    Narrow on purpose, and ordered in an index by (place, sort name, provider): the
    nearest providers of a place search are read point by point, nearest point first,
    and the search stops after the page (directory.query.nearest_first).
    """

    pk = models.CompositePrimaryKey("place_id", "document_id", "postcode")
    place = models.ForeignKey(
        SearchPlace,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the primary key and the ordered index lead with the place
        verbose_name=_("zoekplaats"),
    )
    document = models.ForeignKey(
        ProviderSearchDocument,
        on_delete=models.CASCADE,
        related_name="places",
        verbose_name=_("zoekdocument"),
    )
    postcode = models.CharField(_("postcode"), max_length=4)
    # The document's sort name: equally near providers in name order, from the index.
    sort_name = models.CharField(_("sorteernaam"), max_length=200)

    class Meta:
        verbose_name = _("vestigingsplaats van een dienstverlener")
        verbose_name_plural = _("vestigingsplaatsen van dienstverleners")
        indexes = [
            models.Index(fields=["place", "sort_name", "document"], name="providerplace_nearest"),
        ]

    def __str__(self):
        return f"{self.document_id} @ {self.place_id}"
