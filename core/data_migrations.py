"""Data migrations that several apps run on their own tables.

They take the historical model a migration gives them (`apps.get_model`) and use only
the pure functions of core, so that they keep working when the models change.
"""

from core.text import name_key
from core.validators import phone_number_e164_or_unchanged


def phone_numbers_to_e164(model, fields):
    """Store every valid phone number of `fields` in E.164 ('09/225.12.34' ->
    '+3292251234'); a value that is no valid number is left as it is."""
    changed = []
    for row in model.objects.only("pk", *fields).iterator(chunk_size=1000):
        tidy = {field: phone_number_e164_or_unchanged(getattr(row, field)) for field in fields}
        if any(getattr(row, field) != value for field, value in tidy.items()):
            for field, value in tidy.items():
                setattr(row, field, value)
            changed.append(row)
    model.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)


def municipalities_to_postcode_list(model, postcode_model):
    """Store the municipality of every Belgian address as the postcode list spells it
    ('gent' at 9000 -> 'Gent'), where it matches ignoring case, accents, hyphens and
    spaces; anything else is left as it is."""
    spellings = {}
    for field in ("municipality_nl", "municipality_fr", "main_municipality"):
        for postcode, name in postcode_model.objects.values_list("postcode", field):
            if name:
                spellings.setdefault((postcode, name_key(name)), name)
    changed = []
    rows = model.objects.filter(country="BE").only("pk", "postcode", "municipality")
    for row in rows.iterator(chunk_size=1000):
        spelling = spellings.get((row.postcode.strip(), name_key(row.municipality)))
        if spelling and spelling != row.municipality:
            row.municipality = spelling
            changed.append(row)
    model.objects.bulk_update(changed, ["municipality"], batch_size=500)
    return len(changed)
