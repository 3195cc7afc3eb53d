from django import template

register = template.Library()


@register.simple_tag
def reacted_to(reacted, post, comment, kind):
    """Return True if the viewer gave this reaction (`reacted` comes from selectors.reactions_given)."""
    return (post.pk, comment.pk if comment else None, kind) in reacted
