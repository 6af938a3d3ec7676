"""The Jinja2 environment of the few templates where Django's template language costs most
(the search's form and results: twenty results of a dozen lines each, twenty boxes, on a
page that every search renders anew). It always escapes, as Django's templates do.

Texts in these templates are `_("...")` only: that is the one form that both Jinja2 (the
i18n extension, Django's gettext) and `makemessages` (which reads them as Django
templates) understand, so they land in the same catalogue. In an output tag `_(` comes
first. A text with values is `_("... %(name)s ...")|safe % {"name": value}`, which does
what Django's `blocktrans` does: the catalogue's text is HTML, the values are escaped
(markupsafe's `%`). Plurals and numbers written with a thousands separator are made in
Python (ngettext, floatformat) and passed in.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from jinja2 import Environment


def environment(**options):
    # Django's backend asks for escaping by default; here it is not an option.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    # Django's, as its templates have it: the first letter up, the rest as it is.
    env.filters["capfirst"] = capfirst
    return env
