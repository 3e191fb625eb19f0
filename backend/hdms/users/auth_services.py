"""Sign-in, token rotation, sign-out and the emailed one-time code (DESIGN §4)."""

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from hdms.audit.services import audit_record
from hdms.core.errors import NotAuthenticated, TokenInvalid
from hdms.core.jwt import encode_access, is_uuid, sign, verify
from hdms.core.outbox import outbox_task
from hdms.users.models import OtpChallenge, RefreshToken, User

logger = logging.getLogger("hdms.auth")

# Hashing a password for an unknown employee code keeps failed logins equally slow.
_DUMMY_PASSWORD_HASH = make_password("not-a-real-password")


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    access_expires_at: datetime
    user: User


@dataclass(frozen=True)
class OtpRequired:
    challenge_id: uuid.UUID


def _encode_refresh(token: RefreshToken) -> str:
    payload = {
        "sub": str(token.user_id),
        "type": "refresh",
        "jti": str(token.id),
        "fam": str(token.family),
        "iat": int(token.created_at.timestamp()),
        "exp": int(token.expires_at.timestamp()),
    }
    return sign(payload)


def _decode_refresh(raw: str) -> dict:
    payload = verify(raw, require=["exp", "sub", "jti", "fam", "type"],
                     detail="The refresh token is invalid or expired.")
    if payload.get("type") != "refresh" or not all(is_uuid(payload[claim]) for claim in ("sub", "jti", "fam")):
        raise TokenInvalid("The refresh token is invalid or expired.")
    return payload


def _issue_pair(user: User, *, family: uuid.UUID | None = None) -> TokenPair:
    now = timezone.now()
    refresh = RefreshToken.objects.create(
        family=family or uuid.uuid4(), user=user, created_at=now, expires_at=now + settings.REFRESH_TOKEN_LIFETIME
    )
    access, access_expires_at = encode_access(user_id=str(user.id), role=user.role)
    return TokenPair(access=access, refresh=_encode_refresh(refresh), access_expires_at=access_expires_at, user=user)


def auth_login(*, employee_code: str, password: str) -> TokenPair | OtpRequired:
    user = User.objects.filter(employee_code__iexact=employee_code.strip(), is_active=True).first()
    if user is None or not user.check_password(password):
        if user is None:
            check_password(password, _DUMMY_PASSWORD_HASH)
        logger.warning("Failed login for employee code %r", employee_code[:64])
        audit_record(action="auth.login_failed", actor=user, object_type="user",
                     object_id=getattr(user, "id", ""), after={"employee_code": employee_code[:64]})
        raise NotAuthenticated("Employee code or password is incorrect.")
    if user.otp_enabled:
        return OtpRequired(challenge_id=_otp_send(user))
    return _complete_login(user, method="password")


def _complete_login(user: User, *, method: str) -> TokenPair:
    with transaction.atomic():
        User.objects.filter(id=user.id).update(last_login=timezone.now())
        pair = _issue_pair(user)
        audit_record(action="auth.login", actor=user, object_type="user", object_id=user.id, after={"method": method})
    return pair


def _otp_send(user: User) -> uuid.UUID:
    code = f"{secrets.randbelow(1_000_000):06d}"
    challenge = OtpChallenge.objects.create(
        user=user, code_hash=make_password(code), expires_at=timezone.now() + settings.OTP_LIFETIME
    )
    minutes = int(settings.OTP_LIFETIME.total_seconds() // 60)
    _send_email(
        subject="Your HDMS sign-in code",
        message=f"Your HDMS sign-in code is {code}. It expires in {minutes} minutes.\n"
        "If you did not try to sign in, tell the help desk.",
        to=user.email,
    )
    return challenge.id


def _send_email(*, subject: str, message: str, to: str) -> None:
    """Send now; if SMTP refuses or is down, the ``users.send_email`` task retries it later
    (through the outbox), so the caller never fails because of mail (DESIGN §7 "Faults")."""
    try:
        send_mail(subject=subject, message=message, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[to])
    except OSError as exc:  # smtplib's errors and a refused connection are OSErrors
        logger.warning("Email to %s not sent now (%s: %s); queued to retry", to, type(exc).__name__, exc)
        outbox_task("users.send_email", kwargs={"subject": subject, "message": message, "to": to}, queue="high")


def auth_otp_verify(*, challenge_id: uuid.UUID, code: str) -> TokenPair:
    invalid = TokenInvalid("The code is wrong or has expired.")
    challenge = OtpChallenge.objects.select_related("user").filter(id=challenge_id).first()
    if challenge is None or challenge.used_at is not None or challenge.expires_at <= timezone.now():
        raise invalid
    # Count the try before checking, atomically, so parallel guesses cannot exceed either limit:
    # 5 per challenge, and OTP_MAX_ATTEMPTS_PER_USER across the user's challenges (a new sign-in
    # makes a new challenge, not a new budget). The user's row lock serialises their tries.
    with transaction.atomic():
        User.objects.select_for_update().filter(id=challenge.user_id).values_list("id", flat=True).first()
        if _otp_wrong_tries(challenge.user_id) >= settings.OTP_MAX_ATTEMPTS_PER_USER:
            raise TokenInvalid("Too many wrong codes for this account; wait an hour and sign in again.")
        counted = OtpChallenge.objects.filter(
            id=challenge.id, attempts__lt=settings.OTP_MAX_ATTEMPTS, used_at__isnull=True
        ).update(attempts=F("attempts") + 1)
    if not counted:
        raise TokenInvalid("Too many wrong codes; sign in again.")
    if not check_password(code.strip(), challenge.code_hash):
        audit_record(action="auth.otp_failed", actor=challenge.user, object_type="user", object_id=challenge.user_id)
        raise invalid
    used = OtpChallenge.objects.filter(id=challenge.id, used_at__isnull=True).update(used_at=timezone.now())
    if not used or not challenge.user.is_active:
        raise invalid
    return _complete_login(challenge.user, method="password+otp")


def _otp_wrong_tries(user_id: uuid.UUID) -> int:
    """Tries of the user's recent challenges that were not the one right code."""
    recent = OtpChallenge.objects.filter(user_id=user_id, created_at__gte=timezone.now() - settings.OTP_USER_WINDOW)
    totals = recent.aggregate(tries=Coalesce(Sum("attempts"), 0), used=Count("id", filter=Q(used_at__isnull=False)))
    return int(totals["tries"]) - int(totals["used"])


def auth_refresh(*, refresh: str) -> TokenPair:
    """Rotate: the presented token dies and a new pair is issued in the same family.

    Presenting a token that was already used (or revoked) revokes its whole family: whoever
    holds a stolen copy and the legitimate user are both signed out.
    """
    payload = _decode_refresh(refresh)
    reused = False
    with transaction.atomic():
        token = RefreshToken.objects.select_for_update().select_related("user").filter(id=payload["jti"]).first()
        if token is None:
            raise TokenInvalid("The refresh token is invalid or expired.")
        now = timezone.now()
        if token.used_at is not None or token.revoked_at is not None:
            reused = True
            RefreshToken.objects.filter(family=token.family, revoked_at__isnull=True).update(revoked_at=now)
            audit_record(action="auth.refresh_reuse", actor=token.user, object_type="user", object_id=token.user_id,
                         after={"family": str(token.family)})
        elif token.expires_at <= now or not token.user.is_active:
            raise TokenInvalid("The refresh token is invalid or expired.")
        else:
            token.used_at = now
            token.save(update_fields=["used_at"])
            pair = _issue_pair(token.user, family=token.family)
    if reused:
        logger.warning("Refresh token reuse for user %s; family %s revoked", token.user_id, token.family)
        raise TokenInvalid("The refresh token was already used; every session of this sign-in is now signed out.")
    return pair


def auth_logout(*, refresh: str) -> None:
    payload = _decode_refresh(refresh)
    with transaction.atomic():
        token = RefreshToken.objects.filter(id=payload["jti"]).first()
        if token is None:
            raise TokenInvalid("The refresh token is invalid or expired.")
        RefreshToken.objects.filter(family=token.family, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(action="auth.logout", actor=token.user, object_type="user", object_id=token.user_id)


def auth_sessions_revoke_all(*, user: User, by: Any, reason: str) -> int:
    """Sign the user out everywhere: every refresh family dies (DESIGN §8: an admin password reset,
    a deactivation, a reactivation). Access tokens are short-lived; a deactivated user's are
    refused at once (``hdms.core.auth``). Returns how many live tokens were revoked."""
    revoked = RefreshToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(action="auth.sessions_revoked", actor=by, object_type="user", object_id=user.id,
                 after={"reason": reason, "tokens": revoked})
    return revoked


__all__ = ["OtpRequired", "TokenPair", "auth_login", "auth_logout", "auth_otp_verify", "auth_refresh",
           "auth_sessions_revoke_all"]
