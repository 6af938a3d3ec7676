"""The one way a status changes: transitions declared on the model, performed by one function.

A model with a status (a registration, a dossier, a bank-account change) declares it
as ``FSMField(..., protected=True)`` and every step as a django-fsm-2 ``@transition``
method: which statuses it starts from, the status it leads to, the conditions that
must hold (each with the Dutch reason shown when it does not), who may take it, and
in ``custom`` what the screens need (``label``, ``admin``, ``destructive``). The
method only sets the model's own fields. A protected status cannot be assigned:
``registration.status = ...`` raises, so nothing changes a status around the
declared transitions.

Services never call a transition method themselves: they call ``perform()``, which

1. locks the row (select_for_update) inside ``transaction.atomic()``;
2. refuses with one ``TransitionError`` when the status, a condition or the actor's
   rights do not allow the step (the message names the step and the status);
3. lets the service check its input against the locked row (``prepare``);
4. calls the transition method, ``full_clean()``s and saves;
5. writes the event (who, when, from which status to which, why: an
   ``core.models.TransitionEvent``, reached through the model's ``events``);
6. hands the event to the app's notification, in the same transaction: core.mail
   sends it once the transaction commits, and never when it rolls back.

``declared()`` lists a model's transitions in the order they are written, for the
admin's decision pages (core.admin.TransitionActionsMixin) and the tests.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin, FSMModelMixin, State, can_proceed, has_transition_perm

__all__ = [
    "DeclaredTransition",
    "TransitionError",
    "TransitionsMixin",
    "all_of",
    "declared",
    "is_new",
    "lock",
    "perform",
    "permission_refusal",
    "refusal",
    "require",
    "rule",
    "staff_permission",
    "status_field",
]


class TransitionError(ValidationError):
    """The object's status, a condition of the step or the actor's rights refuse the step."""


# --- Declaring ---------------------------------------------------------------------------


def rule(message, *, code):
    """Mark a transition condition (instance) or permission (instance, user) with the
    Dutch reason shown when it does not hold.

    `message` is a text, or a callable that makes it from the instance (to name a date).
    A condition without a reason refuses with the model's general message instead.
    """

    def decorate(function):
        function.refusal_message = message
        function.refusal_code = code
        return function

    return decorate


def all_of(*permissions):
    """One django-fsm permission made of several rules; the first that fails gives the reason."""

    def permitted(instance, user):
        return all(permission(instance, user) for permission in permissions)

    permitted.rules = permissions
    return permitted


def staff_permission(permission, message, *, code):
    """A transition permission (instance, user): an active staff member who holds the Django
    `permission` ("app_label.codename", given by a staff role of portal.roles).

    Declared on the step, it is checked by perform() for every caller, so that a
    service refuses the step to someone without the role wherever it is called from,
    not only the admin's decision page. Superusers hold every permission.
    """

    @rule(message, code=code)
    def permitted(instance, user):
        return user is not None and user.is_active and user.is_staff and user.has_perm(permission)

    return permitted


def is_new(instance):
    """Condition of the step that files a new row (request, submit): the row does not
    exist yet. It is declared as a step from the first status to itself, so that it
    has a label and an event like every other step."""
    return instance._state.adding


@dataclasses.dataclass(frozen=True)
class DeclaredTransition:
    """One transition method of a model, over all the statuses it starts from."""

    name: str
    sources: tuple
    targets: tuple
    conditions: tuple
    permission: object
    custom: dict

    @property
    def label(self):
        return self.custom.get("label", self.name)

    @property
    def in_admin(self):
        """Agency staff take this step in the admin (a button and a confirmation page)."""
        return bool(self.custom.get("admin"))

    @property
    def destructive(self):
        """The step takes something away: the admin's red confirmation button."""
        return bool(self.custom.get("destructive"))


def status_field(model):
    """The model's one FSMField."""
    (field,) = [f for f in model._meta.concrete_fields if isinstance(f, FSMFieldMixin)]
    return field


def declared(model):
    """The model's transitions as DeclaredTransition, in the order they are written."""
    grouped = {}
    for fsm_transition in status_field(model).get_all_transitions(model):
        grouped.setdefault(fsm_transition.name, []).append(fsm_transition)
    result = []
    order = {}
    for name, variants in grouped.items():
        first = variants[0]
        targets = []
        for variant in variants:
            if isinstance(variant.target, State):
                targets.extend(variant.target.allowed_states)
            else:
                targets.append(variant.target)
        result.append(
            DeclaredTransition(
                name=name,
                sources=tuple(variant.source for variant in variants),
                targets=tuple(dict.fromkeys(targets)),
                conditions=tuple(first.conditions),
                permission=first.permission,
                custom=dict(first.custom),
            )
        )
        order[name] = first.method.__code__.co_firstlineno
    return sorted(result, key=lambda item: order[item.name])


def declared_by_name(model):
    return {item.name: item for item in declared(model)}


class TransitionsMixin(FSMModelMixin):
    """For a model whose status changes only through its declared transitions.

    Gives refresh_from_db() (django-fsm-2's FSMModelMixin) and full_clean() that work
    with a protected status, and the texts of a refusal: ``transition_refused`` takes
    %(action)s (the event's label of the step) and %(status)s (current_status_label()).
    The model has an event model whose foreign key to it has ``related_name="events"``.
    """

    transition_refused = _("De stap '%(action)s' is niet mogelijk bij status '%(status)s'.")
    # Fields full_clean() leaves alone when a transition saves the row.
    transition_clean_exclude = ()

    @classmethod
    def event_model(cls):
        return cls.events.field.model

    @classmethod
    def event_subject_field(cls):
        return cls.events.field.name

    def current_status_label(self):
        """The status as a refusal names it."""
        return getattr(self, f"get_{status_field(type(self)).name}_display")()

    def clean_fields(self, exclude=None):
        # Django assigns every cleaned value back to its attribute, which a protected
        # status refuses: validate it here without the assignment.
        exclude = set(exclude or ())
        field = status_field(type(self))
        errors = {}
        if field.name not in exclude:
            try:
                field.clean(getattr(self, field.attname), self)
            except ValidationError as error:
                errors[field.name] = error.error_list
        try:
            super().clean_fields(exclude=exclude | {field.name})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


# --- Performing --------------------------------------------------------------------------


def lock(instance):
    """The row of `instance`, locked until the transaction ends (call inside atomic())."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def _reason(rule_function, instance):
    message = rule_function.refusal_message
    return TransitionError(
        message(instance) if callable(message) else message, code=rule_function.refusal_code
    )


def action_label(model, name):
    actions = dict(model.event_model()._meta.get_field("action").flatchoices)
    return actions.get(name, name)


def refusal(instance, name):
    """The TransitionError when the status or a condition does not allow step `name`, else None.

    A failing condition with a reason of its own gives that reason, also when the
    status is not one the step starts from: it says more than the status does (a
    lapsed dossier is "vervallen", whichever step is tried).
    """
    if can_proceed(getattr(instance, name)):
        return None
    model = type(instance)
    for condition in declared_by_name(model)[name].conditions:
        if hasattr(condition, "refusal_message") and not condition(instance):
            return _reason(condition, instance)
    return TransitionError(
        model.transition_refused
        % {"action": action_label(model, name), "status": instance.current_status_label()},
        code="transition",
    )


def permission_refusal(instance, name, actor):
    """The TransitionError when `actor` may not take step `name` (its declared permission)."""
    permission = declared_by_name(type(instance))[name].permission
    if permission is None or has_transition_perm(getattr(instance, name), actor):
        return None
    for permission_rule in getattr(permission, "rules", [permission]):
        if hasattr(permission_rule, "refusal_message") and not permission_rule(instance, actor):
            message = permission_rule.refusal_message
            return TransitionError(
                message(instance) if callable(message) else message,
                code=permission_rule.refusal_code,
            )
    return TransitionError(
        _("U mag de stap '%(action)s' niet zetten.")
        % {"action": action_label(type(instance), name)},
        code="permission",
    )


def require(permission, instance, actor):
    """Raise the TransitionError of `permission` (a rule of instance and user) unless
    `actor` passes it: for a step whose permission depends on how a service takes it
    (a dossier stopped by the SME or by the agency)."""
    if not permission(instance, actor):
        raise _reason(permission, instance)


def perform(
    *,
    instance,
    name,
    actor,
    notify=None,
    reason="",
    remark="",
    arguments=None,
    prepare=None,
):
    """Take step `name` on `instance` for `actor` (None: the portal itself).

    `arguments` go to the transition method; `prepare(locked)` may check the service's
    input against the locked row (raising ValidationError) and return more of them.
    `reason` and `remark` are written on the event. `notify(event)` is called inside the
    transaction (core.mail delivers after the commit, never after a rollback). A new
    instance (a request being filed) is not locked: the service locks what serialises
    its creation.

    Returns `instance`, refreshed from the database.
    """
    model = type(instance)
    field = status_field(model)
    with transaction.atomic():
        adding = instance._state.adding
        subject = instance if adding else lock(instance)
        refused = refusal(subject, name) or permission_refusal(subject, name, actor)
        if refused is not None:
            raise refused
        from_status = "" if adding else getattr(subject, field.attname)
        method_arguments = dict(arguments or {})
        if prepare is not None:
            method_arguments.update(prepare(subject) or {})
        getattr(subject, name)(**method_arguments)
        subject.full_clean(exclude=list(model.transition_clean_exclude))
        if actor is not None:
            # django-simple-history, for a model that keeps one, records who acted.
            subject._history_user = actor
        subject.save()
        event = model.event_model().objects.create(
            **{model.event_subject_field(): subject},
            action=name,
            from_status=from_status,
            to_status=getattr(subject, field.attname),
            actor=actor,
            reason=reason,
            remark=remark,
        )
        if notify is not None:
            notify(event)
    if subject is not instance:
        instance.refresh_from_db()
    return instance
