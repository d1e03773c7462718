"""The bearer tokens a directory signs in with: HR admins create and revoke them on the
provisioning page (audited); only a hash of each is kept."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit.services import Kind, audit_record
from requests_app.permissions import is_hr_admin

from ..models import ScimToken

# How often a token's "last used" is written: a directory syncing every few seconds
# should not turn every read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor, name: str) -> tuple[ScimToken, str]:
    """A new bearer token; the raw value is returned once and only its hash is kept."""
    raw = secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        name=name.strip()[:100], token_hash=_hash(raw), prefix=raw[:6], created_by=actor
    )
    audit_record(
        actor=actor,
        kind=Kind.SCIM_TOKEN_CREATED,
        target=token,
        changes={"name": [None, token.name]},
        name=token.name,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor, token_id: int) -> bool:
    """Stop a token working; safe to run twice (False the second time)."""
    token = ScimToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        kind=Kind.SCIM_TOKEN_REVOKED,
        target=token,
        changes={"revoked": [False, True]},
        name=token.name,
    )
    return True


def token_authenticate(*, raw: str) -> ScimToken | None:
    """The live token with this value, or None.

    A token works while it is not revoked and its creator is an active HR admin:
    taking someone's HR role or deactivating them stops their tokens too.
    """
    if not raw or len(raw) > 200:
        return None
    token = (
        ScimToken.objects.select_related("created_by")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.created_by.is_active or not is_hr_admin(token.created_by):
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
