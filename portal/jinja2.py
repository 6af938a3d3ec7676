"""The Jinja2 environment of the few templates that a page renders many times over (the
search's result list: twenty results of a dozen lines each), where Django's template
language costs most. It always escapes, as Django's templates do.

Texts in these templates are `_("...")` only, with `%` for their values: that is the one
form that both Jinja2 (the i18n extension, Django's gettext) and `makemessages`
(which reads them as Django templates) understand, so they land in the same catalogue.
"""

from django.utils.translation import gettext, ngettext
from jinja2 import Environment


def environment(**options):
    # Django's backend asks for escaping by default; here it is not an option.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    return env
