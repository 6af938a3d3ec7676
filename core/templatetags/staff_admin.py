"""Template tags of the staff pages (the admin)."""

from django import template

from core.admin import work_queues_for

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_work_queues(context):
    """The work queues of the start page that the signed-in staff member may see."""
    return work_queues_for(context["request"].user)
