"""Writes about people, and the grants that cannot be self-claimed: officer badges,
verified marks and council roles. Each grant and removal is recorded (who, when, why)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from villagehall.core.audit import audit_record
from villagehall.core.page_cache import council_content_changed
from villagehall.core.tenancy import require_current_council
from villagehall.people.models import (
    CouncilEmailDomain,
    CouncilRole,
    Membership,
    Organisation,
    Residency,
    RetiredName,
)
from villagehall.people.names import FORMER_MEMBER_NAME, display_name_hash, normalise_display_name
from villagehall.people.selectors import display_name_is_retired


def display_name_check(*, name: str) -> str:
    """Return the cleaned name, or raise ValidationError if it is held back from use."""
    name = (name or "").strip()
    if normalise_display_name(name) == normalise_display_name(FORMER_MEMBER_NAME):
        raise ValidationError("That is how Village Hall shows deleted accounts; choose another name.")
    if display_name_is_retired(name=name):
        raise ValidationError(
            "That name belonged to an account that was deleted recently, so it is not available for now. "
            "Add something to tell you apart, such as your street."
        )
    return name


def display_name_retire(*, name) -> None:
    """Hold a deleted account's name back from new use for a while, so nobody can take it on to impersonate them."""
    if not normalise_display_name(name):
        return
    until = timezone.now() + timedelta(days=settings.RETIRED_NAME_DAYS)
    RetiredName.objects.update_or_create(name_hash=display_name_hash(name), defaults={"retired_until": until})


@transaction.atomic
def profile_update(*, person, display_name, bio, neighbourhoods):
    """Save a person's name, bio and their neighbourhoods in the current council."""
    if normalise_display_name(display_name) != normalise_display_name(person.display_name):
        display_name = display_name_check(name=display_name)
    person.display_name = display_name
    person.bio = bio
    person.save(update_fields=["display_name", "bio"])
    chosen = {n.pk for n in neighbourhoods}
    person.residencies.exclude(neighbourhood_id__in=chosen).delete()
    existing = set(person.residencies.values_list("neighbourhood_id", flat=True))
    Residency.objects.bulk_create(
        [Residency(council=require_current_council(), person=person, neighbourhood_id=pk) for pk in chosen - existing]
    )
    # A name shows on every council's pages where the person has spoken.
    council_content_changed(every_council=True)


class Grant:
    """What the audit log calls each grant and removal, and who or what made it."""

    OFFICER_BADGE_GRANTED = "badge.grant"
    OFFICER_BADGE_REMOVED = "badge.remove"
    ORGANISATION_VERIFIED = "organisation.verify"
    ORGANISATION_UNVERIFIED = "organisation.unverify"
    COUNCIL_ROLE_GRANTED = "council_role.grant"
    COUNCIL_ROLE_REMOVED = "council_role.remove"
    EMAIL_DOMAIN_ADDED = "email_domain.add"
    EMAIL_DOMAIN_REMOVED = "email_domain.remove"
    BY_ADMINISTRATOR = "a council administrator"
    BY_EMAIL_DOMAIN = "a verified address at an allowed email domain"
    BY_ADDRESS_GONE = "the address at an allowed email domain that gave it being removed or no longer confirmed"
    BY_SYSTEM = "Village Hall"

    REMOVALS = {OFFICER_BADGE_REMOVED, ORGANISATION_UNVERIFIED, COUNCIL_ROLE_REMOVED, EMAIL_DOMAIN_REMOVED}


def _record(*, council, action, source, actor=None, person=None, organisation=None, role="", domain="", reason=""):
    """Write the grant or removal to the council's audit log: who, when, why, and what changed."""
    details = {
        "organisation": organisation.name if organisation is not None and person is not None else None,
        "role": CouncilRole.Role(role).label if role else None,
        "domain": f"@{domain}" if domain else None,
        "given by" if action not in Grant.REMOVALS else "taken by": source,
    }
    details = {key: value for key, value in details.items() if value}
    removal = action in Grant.REMOVALS
    audit_record(
        actor=actor, action=action, target=person if person is not None else organisation, council=council,
        reason=(reason or "").strip(), before=details if removal else None, after=None if removal else details,
    )


def _require(actor, permission, target, message):
    if actor is None or not actor.has_perm(permission, target):
        raise PermissionDenied(message)


def _require_reason(reason):
    if not (reason or "").strip():
        raise ValidationError("Say why, so the record explains itself later.")


@transaction.atomic
def officer_badge_grant(*, by, person, organisation, reason, title="", source=Grant.BY_ADMINISTRATOR):
    """Make the person an officer of a council service, so they may speak with its badge."""
    _require(by, "people.officer_badge_grant", organisation, "Only a council administrator can give an officer’s badge.")
    _require_reason(reason)
    return _officer_badge_add(actor=by, person=person, organisation=organisation, reason=reason, title=title, source=source)


def _officer_badge_add(*, actor, person, organisation, reason, title, source, address=""):
    if not organisation.is_service:
        raise ValidationError("Officer badges belong to council services only.")
    membership, created = Membership.dangerously_unscoped.get_or_create(
        organisation=organisation, person=person,
        defaults={"council_id": organisation.council_id, "title": title, "badge_address": address},
    )
    if not created and membership.badge_address and not address:
        # An administrator now gives by hand the badge an address gave: it no longer hangs on the address.
        membership.badge_address = ""
        membership.save(update_fields=["badge_address"])
        created = True
    if created:
        _record(
            council=organisation.council, action=Grant.OFFICER_BADGE_GRANTED, source=source,
            actor=actor, person=person, organisation=organisation, reason=reason,
        )
        council_content_changed(council=organisation.council)
    return membership


@transaction.atomic
def officer_badge_remove(*, by, membership, reason, source=Grant.BY_ADMINISTRATOR):
    """Take an officer's badge away: they stop being a member of the service."""
    organisation = membership.organisation
    _require(by, "people.officer_badge_remove", organisation, "Only a council administrator can remove an officer’s badge.")
    _require_reason(reason)
    person = membership.person
    membership.delete()
    _record(
        council=organisation.council, action=Grant.OFFICER_BADGE_REMOVED, source=source,
        actor=by, person=person, organisation=organisation, reason=reason,
    )
    council_content_changed(council=organisation.council)


def _email_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


@transaction.atomic
def officer_badges_from_verified_email(*, person, email) -> list[Membership]:
    """Give the officer badges that the allowed email domains list for this verified address."""
    domain = _email_domain(email)
    rules = CouncilEmailDomain.dangerously_unscoped.filter(domain=domain).select_related("organisation__council")
    granted = []
    for rule in rules:
        exists = Membership.dangerously_unscoped.filter(organisation=rule.organisation, person=person).exists()
        if exists:
            continue
        granted.append(_officer_badge_add(
            actor=None, person=person, organisation=rule.organisation, title=rule.title,
            reason=f"Verified the email address {email}, at the allowed domain @{domain}.",
            source=Grant.BY_EMAIL_DOMAIN, address=email,
        ))
    return granted


@transaction.atomic
def officer_badges_from_lost_email(*, person, email, what_happened) -> list[Membership]:
    """Take back the officer badges an allowed email domain gave for this address, now it is removed or unconfirmed.

    A badge an administrator gave stays. So does one that another of the person's confirmed
    addresses, at a domain the same service allows, would give: it hangs on that address now.
    """
    from allauth.account.models import EmailAddress

    taken = []
    badges = Membership.dangerously_unscoped.filter(person_id=person.pk, badge_address__iexact=email)
    for membership in badges.select_related("organisation__council"):
        organisation = membership.organisation
        domains = set(CouncilEmailDomain.dangerously_unscoped.filter(organisation=organisation).values_list("domain", flat=True))
        other = next((
            address for address in EmailAddress.objects.filter(user_id=person.pk, verified=True)
            .exclude(email__iexact=email).order_by("-primary", "email").values_list("email", flat=True)
            if _email_domain(address) in domains
        ), None)
        if other is not None:
            membership.badge_address = other
            membership.save(update_fields=["badge_address"])
            continue
        membership.delete()
        _record(
            council=organisation.council, action=Grant.OFFICER_BADGE_REMOVED, source=Grant.BY_ADDRESS_GONE,
            person=person, organisation=organisation,
            reason=f"The email address {email}, which gave the badge, {what_happened}.",
        )
        council_content_changed(council=organisation.council)
        taken.append(membership)
    return taken


def validate_email_domain(domain: str) -> str:
    """Return the domain in lower case, or raise ValidationError if it is not a plain domain name."""
    domain = (domain or "").strip().lower().lstrip("@")
    labels = domain.split(".")
    if len(labels) < 2 or not all(label and label.replace("-", "").isalnum() for label in labels):
        raise ValidationError("Give a domain such as “brackenford.gov.uk”, without the @.")
    return domain


@transaction.atomic
def council_email_domain_add(*, by, organisation, domain, title="", reason="") -> CouncilEmailDomain:
    """Let verified addresses at the domain make people officers of the service, including people already here."""
    from allauth.account.models import EmailAddress

    council = organisation.council
    _require(by, "people.council_email_domain_manage", council, "Only a council administrator can allow an email domain.")
    if not organisation.is_service:
        raise ValidationError("Only a council service can take its officers from an email domain.")
    domain = validate_email_domain(domain)
    rule, created = CouncilEmailDomain.dangerously_unscoped.get_or_create(
        council=council, domain=domain, organisation=organisation,
        defaults={"title": title, "added_by": by},
    )
    if created:
        _record(
            council=council, action=Grant.EMAIL_DOMAIN_ADDED, source=Grant.BY_ADMINISTRATOR,
            actor=by, organisation=organisation, domain=domain, reason=reason,
        )
        for address in EmailAddress.objects.filter(verified=True, email__iendswith=f"@{domain}").select_related("user"):
            officer_badges_from_verified_email(person=address.user, email=address.email)
    return rule


@transaction.atomic
def council_email_domain_remove(*, by, rule, reason="") -> None:
    """Stop the domain giving new badges; the badges it gave stay until removed one by one."""
    _require(by, "people.council_email_domain_manage", rule.council, "Only a council administrator can remove an email domain.")
    _record(
        council=rule.council, action=Grant.EMAIL_DOMAIN_REMOVED, source=Grant.BY_ADMINISTRATOR,
        actor=by, organisation=rule.organisation, domain=rule.domain, reason=reason,
    )
    rule.delete()


@transaction.atomic
def organisation_verify(*, by, organisation, reason) -> Organisation:
    """Give the organisation its verified mark."""
    _require(by, "people.organisation_verify", organisation, "Only a council administrator can verify an organisation.")
    _require_reason(reason)
    if not organisation.verified:
        organisation.verified, organisation.verified_by, organisation.verified_at = True, by, timezone.now()
        organisation.save(update_fields=["verified", "verified_by", "verified_at"])
        _record(
            council=organisation.council, action=Grant.ORGANISATION_VERIFIED,
            source=Grant.BY_ADMINISTRATOR, actor=by, organisation=organisation, reason=reason,
        )
        council_content_changed(council=organisation.council)
    return organisation


@transaction.atomic
def organisation_unverify(*, by, organisation, reason) -> Organisation:
    """Take the organisation's verified mark away."""
    _require(by, "people.organisation_verify", organisation, "Only a council administrator can remove a verified mark.")
    _require_reason(reason)
    if organisation.verified:
        organisation.verified, organisation.verified_by, organisation.verified_at = False, None, None
        organisation.save(update_fields=["verified", "verified_by", "verified_at"])
        _record(
            council=organisation.council, action=Grant.ORGANISATION_UNVERIFIED,
            source=Grant.BY_ADMINISTRATOR, actor=by, organisation=organisation, reason=reason,
        )
        council_content_changed(council=organisation.council)
    return organisation


def _administrators_group():
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name="Council administrators")
    if created:
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["places", "people"],
            ).exclude(content_type__model__in=["council", "retiredname"])
        )
    return group


@transaction.atomic
def council_role_grant(*, by, person, council, role, reason) -> CouncilRole:
    """Give the person a council-wide role: administrator, moderator or digital champion."""
    _require(by, "people.council_role_grant", council, "Only a council administrator can give a council role.")
    _require_reason(reason)
    return _council_role_add(actor=by, person=person, council=council, role=role, reason=reason,
                             source=Grant.BY_ADMINISTRATOR)


def _council_role_add(*, actor, person, council, role, reason, source) -> CouncilRole:
    if role not in CouncilRole.Role.values:
        raise ValidationError("Unknown council role.")
    council_role, created = CouncilRole.dangerously_unscoped.get_or_create(council=council, person=person, role=role)
    if role == CouncilRole.Role.ADMINISTRATOR:
        person.is_staff = True
        person.save(update_fields=["is_staff"])
        person.groups.add(_administrators_group())
    if created:
        _record(council=council, action=Grant.COUNCIL_ROLE_GRANTED, source=source, actor=actor,
                person=person, role=role, reason=reason)
    return council_role


@transaction.atomic
def council_role_remove(*, by, council_role, reason) -> None:
    """Take a council-wide role away."""
    council, person, role = council_role.council, council_role.person, council_role.role
    _require(by, "people.council_role_grant", council, "Only a council administrator can remove a council role.")
    _require_reason(reason)
    if role == CouncilRole.Role.ADMINISTRATOR and by.pk == person.pk and not by.is_superuser:
        # Otherwise a council could be left with nobody able to set it up.
        raise ValidationError("Ask another administrator to remove your own administrator role.")
    council_role.delete()
    if role == CouncilRole.Role.ADMINISTRATOR and not person.is_superuser:
        still_administers = CouncilRole.dangerously_unscoped.filter(person=person, role=role).exists()
        if not still_administers:
            person.is_staff = False
            person.save(update_fields=["is_staff"])
            person.groups.remove(_administrators_group())
    _record(council=council, action=Grant.COUNCIL_ROLE_REMOVED, source=Grant.BY_ADMINISTRATOR,
            actor=by, person=person, role=role, reason=reason)


@transaction.atomic
def council_administrator_grant(*, person, council, by=None, reason="Set up by the site’s operator."):
    """Make the person an administrator of the council, with access to its set-up pages."""
    # With no `by` this is the operator's own set-up (a command or the demo), which has no one to ask.
    if by is not None:
        return council_role_grant(by=by, person=person, council=council, role=CouncilRole.Role.ADMINISTRATOR, reason=reason)
    return _council_role_add(actor=None, person=person, council=council, role=CouncilRole.Role.ADMINISTRATOR,
                             reason=reason, source=Grant.BY_SYSTEM)


@transaction.atomic
def person_places_and_roles_remove(*, person, reason) -> None:
    """Remove all the person's memberships, council roles and neighbourhoods, recording the badges and roles that go."""
    for membership in Membership.dangerously_unscoped.filter(person=person).select_related("organisation__council"):
        if membership.organisation.is_service:
            _record(council=membership.organisation.council, action=Grant.OFFICER_BADGE_REMOVED,
                    source=Grant.BY_SYSTEM, person=person, organisation=membership.organisation, reason=reason)
        membership.delete()
    for role in CouncilRole.dangerously_unscoped.filter(person=person).select_related("council"):
        _record(council=role.council, action=Grant.COUNCIL_ROLE_REMOVED, source=Grant.BY_SYSTEM,
                person=person, role=role.role, reason=reason)
        role.delete()
    Residency.dangerously_unscoped.filter(person=person).delete()
