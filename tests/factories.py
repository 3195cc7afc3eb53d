"""Factories for tests. Council-owned rows are made through `dangerously_unscoped`
so a factory works with or without a current council."""

import factory
from django.utils import timezone

from villagehall.conversation.models import Comment, Post
from villagehall.core.text import render_markdown
from villagehall.people.models import CouncilRole, Membership, Organisation, Person
from villagehall.places.models import Council, Neighbourhood


class CouncilOwnedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.dangerously_unscoped


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"council-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class NeighbourhoodFactory(CouncilOwnedFactory):
    class Meta:
        model = Neighbourhood

    council = factory.SubFactory(CouncilFactory)
    slug = factory.Sequence(lambda n: f"neighbourhood-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    population = 5000
    deprivation_decile = 5


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    display_name = factory.Sequence(lambda n: f"Neighbour {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def email_verified(obj, create, extracted, **kwargs):
        """Keep the person's address as allauth does: confirmed, as most people's are, unless
        the test says `email_verified=False` (joined, but has not followed the link yet)."""
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=obj, email=obj.email, verified=extracted is not False, primary=True)


class OrganisationFactory(CouncilOwnedFactory):
    class Meta:
        model = Organisation

    council = factory.SubFactory(CouncilFactory)
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    kind = Organisation.Kind.COMMUNITY_GROUP


class MembershipFactory(CouncilOwnedFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    council = factory.SelfAttribute("organisation.council")
    person = factory.SubFactory(PersonFactory)


class CouncilAdministratorFactory(CouncilOwnedFactory):
    class Meta:
        model = CouncilRole

    council = factory.SubFactory(CouncilFactory)
    person = factory.SubFactory(PersonFactory)
    role = CouncilRole.Role.ADMINISTRATOR


class PostFactory(CouncilOwnedFactory):
    class Meta:
        model = Post

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    council = factory.SelfAttribute("neighbourhood.council")
    author = factory.SubFactory(PersonFactory)
    kind = Post.Kind.UPDATE
    title = factory.Sequence(lambda n: f"Post number {n}")
    body = "Hello neighbours."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    created_at = factory.LazyFunction(timezone.now)


class CommentFactory(CouncilOwnedFactory):
    class Meta:
        model = Comment

    post = factory.SubFactory(PostFactory)
    council = factory.SelfAttribute("post.council")
    author = factory.SubFactory(PersonFactory)
    body = "A reply."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    created_at = factory.LazyFunction(timezone.now)
