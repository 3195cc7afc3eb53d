"""When an email address leaves an account or stops being confirmed, the officer badges it
gave go too: in allauth's email page, the admin or a shell alike. The work is the service's."""

from allauth.account.models import EmailAddress
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from villagehall.people import services


@receiver(post_delete, sender=EmailAddress, dispatch_uid="people.badges_when_an_address_is_removed")
def badges_when_an_address_is_removed(sender, instance, **kwargs):
    services.officer_badges_from_lost_email(person=instance.user, email=instance.email, what_happened="was removed")


@receiver(post_save, sender=EmailAddress, dispatch_uid="people.badges_when_an_address_is_unconfirmed")
def badges_when_an_address_is_unconfirmed(sender, instance, created, **kwargs):
    if not created and not instance.verified:
        services.officer_badges_from_lost_email(
            person=instance.user, email=instance.email, what_happened="is no longer confirmed",
        )
