"""Comments from guests in the demo borough, which takes them, so the "Fill in your details"
form and the guest marker can be seen."""

from datetime import datetime, timedelta

from villagehall.conversation.models import Post, State
from villagehall.conversation.services import comment_create
from villagehall.guests.services import guest_for_address

GUESTS = [
    ("Jo from the allotments", "jo@guests.brackenford.example",
     "I don’t have an account, but I wanted to say thank you for this. I’ll pass it on at the allotments."),
    ("Mr Okafor", "okafor@guests.brackenford.example",
     "My daughter showed me this page. Is there a telephone number for people who are not online?"),
]


def guest_comments_add(*, borough) -> None:
    """Add a few confirmed comments from guests under the latest public posts of the borough."""
    if borough.scale.name != "borough":
        return
    now = datetime.fromtimestamp(borough.until, borough.zone)
    posts = Post.objects.filter(
        state=State.PUBLISHED, comments_closed=False, organisation__isnull=True, created_at__lte=now - timedelta(hours=6),
    ).order_by("-created_at")[:len(GUESTS)]
    for (name, email, body), post in zip(GUESTS, posts):
        # Guests confirm their address by a link; in the demo nobody reads the email.
        guest = guest_for_address(email=email, name=name)
        comment_create(author=guest, post=post, body=body, at=post.created_at + timedelta(hours=5))
