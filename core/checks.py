"""System checks of the declared state machines (core.transitions) and of the admin's
history pages (core.admin.HistoryAdmin), and of the object storage's settings."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core import checks
from simple_history.admin import SimpleHistoryAdmin

from core import storage, transitions
from core.admin import HistoryAdmin


@checks.register(checks.Tags.models)
def check_transition_models(app_configs=None, **kwargs):
    """Every model with declared transitions has a protected status and an event model
    whose actions are exactly its transitions, so that no step goes unrecorded."""
    errors = []
    for model in apps.get_models():
        if not issubclass(model, transitions.TransitionsMixin):
            continue
        if app_configs is not None and model._meta.app_config not in app_configs:
            continue
        field = transitions.status_field(model)
        if not field.protected:
            errors.append(
                checks.Error(
                    f"{model._meta.label}.{field.name} must be an FSMField with protected=True.",
                    obj=model,
                    id="core.E002",
                )
            )
        names = {item.name for item in transitions.declared(model)}
        actions = {
            value for value, _label in model.event_model()._meta.get_field("action").choices
        }
        if names != actions:
            errors.append(
                checks.Error(
                    f"The actions of {model.event_model()._meta.label} must be the transitions "
                    f"of {model._meta.label}.",
                    hint=f"transitions: {sorted(names)}; actions: {sorted(actions)}",
                    obj=model,
                    id="core.E003",
                )
            )
    return errors


@checks.register(checks.Tags.admin)
def check_history_admins(app_configs=None, site=None, **kwargs):
    """Every history page of the admin is core.admin.HistoryAdmin: one without a revert,
    which would save an old version around the services."""
    site = site or admin.site
    return [
        checks.Error(
            f"The admin of {model._meta.label} offers django-simple-history's revert.",
            hint="Register it with core.admin.HistoryAdmin instead of SimpleHistoryAdmin.",
            obj=type(model_admin),
            id="core.E004",
        )
        for model, model_admin in site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
        and not isinstance(model_admin, HistoryAdmin)
        and (app_configs is None or model._meta.app_config in app_configs)
    ]


@checks.register()
def check_object_storage_settings(app_configs=None, **kwargs):
    """S3 settings are all there or all absent: half of them would send the private files
    to a bucket the portal cannot reach (core.storage.private_storage_config)."""
    values = {name: getattr(settings, name, "") for name in storage.S3_SETTINGS}
    missing = storage.missing_s3_settings(values)
    if not missing:
        return []
    return [
        checks.Error(
            f"The object storage is configured by halves: {', '.join(missing)} missing.",
            hint=(
                "Set S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (and "
                "S3_ENDPOINT_URL unless the store is Amazon S3), or none of the S3_* "
                "settings to keep the files in PORTAL_MEDIA_ROOT."
            ),
            id="core.E010",
        )
    ]
