"""The header's links for a signed-in person: notifications with the number unread, and the
moderation queue for moderators."""

from django import template

from villagehall.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_header_link.html", takes_context=True)
def notifications_link(context):
    """Show a link to the notifications page, saying how many are unread."""
    request = context.get("request")
    council = context.get("council")
    user = getattr(request, "user", None)
    if council is None or user is None or not user.is_authenticated:
        return {"council": None}
    return {
        "council": council,
        "unread": unread_count(person=user),
        "moderating": user.has_perm("moderation.moderate"),
    }
