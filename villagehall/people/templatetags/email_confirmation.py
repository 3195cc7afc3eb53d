"""A note on council pages for a signed-in person who has not confirmed an email address yet."""

from django import template

register = template.Library()


@register.inclusion_tag("people/_email_confirmation_notice.html", takes_context=True)
def email_confirmation_notice(context):
    """Say that posting and the rest wait for a confirmed address, with a link to send it again.

    Whether the note shows, and the address in it, are filled in for each person (core.personal).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"signed_in": user is not None and user.is_authenticated}
