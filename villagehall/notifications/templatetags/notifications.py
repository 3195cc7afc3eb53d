"""The header's links for a signed-in person: notifications with the number unread, and the
moderation queue for moderators."""

from django import template

register = template.Library()


@register.inclusion_tag("notifications/_header_link.html", takes_context=True)
def notifications_link(context):
    """Show a link to the notifications page, saying how many are unread (filled in per person, core.personal)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"council": None}
    return {"council": context.get("council")}
