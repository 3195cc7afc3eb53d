import pytest

from villagehall.conversation import services
from villagehall.conversation.models import Post
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory


@pytest.mark.django_db
def test_every_page_type_renders(client, council, neighbourhood, scoped):
    parks = OrganisationFactory(council=council, slug="parks", name="Parks", kind="council_service")
    officer = MembershipFactory(organisation=parks, person=PersonFactory(display_name="Olu Officer")).person
    resident = PersonFactory(display_name="Rita Resident")
    post = services.post_create(author=resident, kind=Post.Kind.QUESTION, title="When is the park gate fixed?",
                                body="The **gate** is broken.", neighbourhood=neighbourhood, addressed_to=parks)
    services.comment_create(author=officer, post=post, body="Next Tuesday.", acting_for=parks)
    client.force_login(resident)
    for url in ["/", "/testborough/", "/testborough/northfield/", "/testborough/org/parks/",
                post.get_absolute_url(), f"/testborough/people/{resident.username}/", "/testborough/following/",
                "/testborough/posts/new/?neighbourhood=northfield", "/testborough/people/me/edit/", "/healthz"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:2000])
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Next Tuesday." in page and "Parks" in page and "<strong>gate</strong>" in page
