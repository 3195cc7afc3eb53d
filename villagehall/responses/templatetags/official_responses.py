"""Official responses on the post page, and a service's response record on its page."""

from django import template

from villagehall.responses import selectors

register = template.Library()


@register.inclusion_tag("responses/_official_response.html", takes_context=True)
def official_response(context, post):
    """Show a post's official responses at the top of its thread, with their history."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "council": context.get("council"),
        "post": post,
        "responses": selectors.responses_for_post(post=post),
        "may_respond": user is not None and user.is_authenticated and user.has_perm("responses.respond"),
    }


@register.inclusion_tag("responses/_organisation_record.html", takes_context=True)
def organisation_record(context, organisation):
    """Show what an organisation gives: projects, offers, grants, commitments and, for a service, its response record."""
    return {
        "council": context.get("council"),
        "organisation": organisation,
        "record": selectors.response_record(organisation=organisation) if organisation.is_service else None,
    }
