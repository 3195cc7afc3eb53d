"""Template tags for the parts of a page that belong to the person reading it (see core.personal).

    {% personal "display_name" %}
    {% personal_if "following" "neighbourhood" neighbourhood.pk %}Following{% personal_else %}Follow{% endpersonal_if %}
    {% personal_if "may" "conversation.organisation_set_visibility" organisation %}…{% endpersonal_if %}

Both render markers, filled in for each person as the page leaves. Regions may nest.
"""

from django import template
from django.utils.safestring import mark_safe

from villagehall.core.personal import region_markers, value_marker

register = template.Library()


@register.simple_tag
def personal(name):
    """Write the marker of one of the reader's own values (display_name, page, email, unread)."""
    return mark_safe(value_marker(name))


class PersonalRegionNode(template.Node):
    def __init__(self, condition, args, shown, otherwise):
        self.condition, self.args, self.shown, self.otherwise = condition, args, shown, otherwise

    def render(self, context):
        opening, other, closing = region_markers(
            self.condition.resolve(context), [arg.resolve(context) for arg in self.args]
        )
        shown = self.shown.render(context)
        otherwise = self.otherwise.render(context) if self.otherwise is not None else ""
        return mark_safe(f"{opening}{shown}{other}{otherwise}{closing}" if otherwise else f"{opening}{shown}{closing}")


@register.tag
def personal_if(parser, token):
    """Show what is inside if the condition holds for the reader: following, reacted, author,
    moderating, unread, email_unconfirmed, or may (a named rule on an object); `{% personal_else %}`
    shows the rest otherwise."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% personal_if %} needs a condition.")
    condition, *args = (parser.compile_filter(bit) for bit in bits[1:])
    shown = parser.parse(("personal_else", "endpersonal_if"))
    otherwise = None
    if parser.next_token().contents == "personal_else":
        otherwise = parser.parse(("endpersonal_if",))
        parser.delete_first_token()
    return PersonalRegionNode(condition, args, shown, otherwise)
