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
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from hdms.audit.services import audit_record
from hdms.core.errors import (
    AccountLocked,
    Forbidden,
    NotAuthenticated,
    NotFound,
    ServiceUnavailable,
    TokenInvalid,
    ValidationFailed,
)
from hdms.core.events import publish_on_commit
from hdms.core.jwt import encode_access, is_uuid, sign, verify
from hdms.core.outbox import outbox_task
from hdms.users.models import AccountSettings, OtpChallenge, RefreshToken, User
from hdms.users.rules import password_problem
from hdms.users.sms_client import SmsClient, SmsError

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


@dataclass(frozen=True)
class Device:
    """Where a sign-in or a refresh came from, kept for the sessions list."""

    user_agent: str = ""
    ip: str = ""


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


def _issue_pair(user: User, *, family: uuid.UUID | None = None, device: Device | None = None) -> TokenPair:
    now = timezone.now()
    device = device or Device()
    refresh = RefreshToken.objects.create(
        family=family or uuid.uuid4(), user=user, created_at=now, expires_at=now + settings.REFRESH_TOKEN_LIFETIME,
        user_agent=device.user_agent[:255], ip=device.ip[:64],
    )
    access, access_expires_at = encode_access(user_id=str(user.id), role=user.role, family=str(refresh.family))
    return TokenPair(access=access, refresh=_encode_refresh(refresh), access_expires_at=access_expires_at, user=user)


def sms_manages_password(user: User) -> bool:
    """With HDMS_SMS_AUTH, an SMS-linked account's password is the SMS's (DESIGN §8)."""
    return bool(settings.SMS_AUTH and user.sms_external_id)


def _password_ok(user: User, password: str) -> bool:
    """Checks the password where it lives: the SMS bridge for SMS-linked accounts (never cached,
    the local hash is ignored), the local Argon2 hash for the others."""
    if not sms_manages_password(user):
        return user.check_password(password)
    try:
        with SmsClient.from_settings() as client:
            return client.verify_password(employee_code=user.employee_code, password=password)
    except SmsError as exc:
        logger.warning("SMS password check for %s failed: %s", user.employee_code, exc)
        raise ServiceUnavailable(
            "The School Management System cannot be reached to check your password; try again in a few minutes."
        ) from exc


def _retry_after(user: User) -> int:
    return max(1, int((user.locked_until - timezone.now()).total_seconds() + 0.999)) if user.locked_until else 1


def _locked_error(user: User) -> AccountLocked:
    seconds = _retry_after(user)
    return AccountLocked(
        f"This account is locked after too many failed sign-ins; try again in {seconds} seconds "
        "or ask an administrator to unlock it.", retry_after=seconds,
    )


def _register_failure(user: User) -> AccountLocked | None:
    """Count a failed sign-in of the account (whatever the client address); at the threshold the
    account locks for a time that doubles with each lockout. Returns the error when it locked."""
    with transaction.atomic():
        row = User.objects.select_for_update().get(id=user.id)
        row.failed_logins += 1
        locked = row.failed_logins >= settings.LOCKOUT_THRESHOLD
        if locked:
            duration = min(settings.LOCKOUT_BASE * (2 ** min(row.lockouts, 16)), settings.LOCKOUT_MAX)
            row.locked_until = timezone.now() + duration
            row.lockouts += 1
            row.failed_logins = 0
        row.save(update_fields=["failed_logins", "locked_until", "lockouts"])
        if locked:
            audit_record(action="auth.locked", actor=None, object_type="user", object_id=row.id,
                         after={"until": row.locked_until.isoformat(), "lockouts": row.lockouts})
    return _locked_error(row) if locked else None


def _check_not_locked(user: User) -> None:
    if user.locked_until is not None and user.locked_until > timezone.now():
        raise _locked_error(user)


def auth_login(*, employee_code: str, password: str, device: Device | None = None) -> TokenPair | OtpRequired:
    user = User.objects.filter(employee_code__iexact=employee_code.strip(), is_active=True).first()
    if user is not None:
        _check_not_locked(user)
    if user is None or not _password_ok(user, password):
        if user is None:
            check_password(password, _DUMMY_PASSWORD_HASH)
        logger.warning("Failed login for employee code %r", employee_code[:64])
        audit_record(action="auth.login_failed", actor=user, object_type="user",
                     object_id=getattr(user, "id", ""), after={"employee_code": employee_code[:64]})
        locked = _register_failure(user) if user is not None else None
        if locked is not None:
            raise locked
        raise NotAuthenticated("Employee code or password is incorrect.")
    if otp_required_for(user):
        return OtpRequired(challenge_id=_otp_send(user, device=device))
    return _complete_login(user, method="password", device=device)


def otp_required_for(user: User) -> bool:
    """Two-factor by email: switched on by the user, or required for their role by an admin."""
    return user.otp_enabled or user.role in _otp_required_roles()


def otp_required_by_role(user: User) -> bool:
    """An admin requires two-factor for the user's role (the user cannot turn it off)."""
    return user.role in _otp_required_roles()


def _otp_required_roles() -> list[str]:
    return AccountSettings.current().otp_required_roles


def _complete_login(user: User, *, method: str, device: Device | None = None) -> TokenPair:
    with transaction.atomic():
        User.objects.filter(id=user.id).update(last_login=timezone.now(), failed_logins=0, lockouts=0,
                                               locked_until=None)
        pair = _issue_pair(user, device=device)
        audit_record(action="auth.login", actor=user, object_type="user", object_id=user.id, after={"method": method})
    return pair


def _new_code(user: User, *, purpose: str, lifetime: Any) -> tuple[OtpChallenge, str]:
    code = f"{secrets.randbelow(1_000_000):06d}"
    challenge = OtpChallenge.objects.create(
        user=user, code_hash=make_password(code), expires_at=timezone.now() + lifetime, purpose=purpose
    )
    return challenge, code


def _otp_send(user: User, *, device: Device | None = None) -> uuid.UUID:
    challenge, code = _new_code(user, purpose=OtpChallenge.PURPOSE_LOGIN, lifetime=settings.OTP_LIFETIME)
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


def auth_otp_verify(*, challenge_id: uuid.UUID, code: str, device: Device | None = None) -> TokenPair:
    invalid = TokenInvalid("The code is wrong or has expired.")
    challenge = OtpChallenge.objects.select_related("user").filter(
        id=challenge_id, purpose=OtpChallenge.PURPOSE_LOGIN).first()
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
    return _complete_login(challenge.user, method="password+otp", device=device)


def _otp_wrong_tries(user_id: uuid.UUID) -> int:
    """Tries of the user's recent challenges that were not the one right code."""
    recent = OtpChallenge.objects.filter(user_id=user_id, created_at__gte=timezone.now() - settings.OTP_USER_WINDOW)
    totals = recent.aggregate(tries=Coalesce(Sum("attempts"), 0), used=Count("id", filter=Q(used_at__isnull=False)))
    return int(totals["tries"]) - int(totals["used"])


def auth_refresh(*, refresh: str, device: Device | None = None) -> TokenPair:
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
            _revoke(RefreshToken.objects.filter(family=token.family, revoked_at__isnull=True), user_id=token.user_id)
            audit_record(action="auth.refresh_reuse", actor=token.user, object_type="user", object_id=token.user_id,
                         after={"family": str(token.family)})
        elif token.expires_at <= now or not token.user.is_active:
            raise TokenInvalid("The refresh token is invalid or expired.")
        else:
            token.used_at = now
            token.save(update_fields=["used_at"])
            pair = _issue_pair(token.user, family=token.family, device=device)
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
        _revoke(RefreshToken.objects.filter(family=token.family, revoked_at__isnull=True), user_id=token.user_id)
        audit_record(action="auth.logout", actor=token.user, object_type="user", object_id=token.user_id)


def auth_sessions_revoke_all(*, user: User, by: User | None, reason: str) -> int:
    """Sign the user out everywhere: every refresh family dies (DESIGN §8: an admin password reset,
    a deactivation, a reactivation). Their access tokens are refused at once (``hdms.core.auth``)
    and their sockets closed. Returns how many live tokens were revoked."""
    revoked = _revoke(RefreshToken.objects.filter(user=user, revoked_at__isnull=True), user_id=user.id, every=True)
    audit_record(action="auth.sessions_revoked", actor=by, object_type="user", object_id=user.id,
                 after={"reason": reason, "tokens": revoked})
    return revoked


# --------------------------------------------------------------------------- sessions (DESIGN §8)

def auth_sessions(*, user: User, current_family: str = "") -> list[dict[str, Any]]:
    """One entry per live refresh family: its live token says when and from where it was last used."""
    now = timezone.now()
    live = RefreshToken.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
    started = dict(RefreshToken.objects.filter(user=user, family__in=live.values("family"))
                   .values_list("family").annotate(first=Min("created_at")).values_list("family", "first"))
    sessions = [
        {"id": token.family, "created_at": started.get(token.family, token.created_at),
         "last_used_at": token.created_at, "user_agent": token.user_agent, "ip": token.ip,
         "current": str(token.family) == current_family}
        for token in live.order_by("-created_at")
    ]
    return sessions


def _revoke(tokens: Any, *, user_id: Any, every: bool = False) -> int:
    """Revoke these refresh tokens (a session's are all its family's). Their sessions' access
    tokens are refused from the commit on (``User.objects.signed_in``), and their open sockets
    are told (``user.sessions_revoked``, after commit) and close. ``every``: all the user's
    sessions, also those whose tokens name none. Returns how many tokens were revoked."""
    families = sorted({str(f) for f in tokens.values_list("family", flat=True)})
    revoked = tokens.update(revoked_at=timezone.now())
    if families or every:
        publish_on_commit("user.sessions_revoked", user_id=str(user_id), families=None if every else families)
    return revoked


def _revoke_families(user: User, *, families: Any = None, exclude: str = "") -> int:
    tokens = RefreshToken.objects.filter(user=user, revoked_at__isnull=True)
    if families is not None:
        tokens = tokens.filter(family__in=families)
    if exclude and is_uuid(exclude):
        tokens = tokens.exclude(family=exclude)
    return _revoke(tokens, user_id=user.id)


def auth_session_revoke(*, user: User, session_id: uuid.UUID) -> None:
    live = RefreshToken.objects.filter(user=user, family=session_id, used_at__isnull=True, revoked_at__isnull=True,
                                       expires_at__gt=timezone.now())
    if not live.exists():
        raise NotFound("No such session.")
    with transaction.atomic():
        _revoke_families(user, families=[session_id])
        audit_record(action="auth.session_revoked", actor=user, object_type="user", object_id=user.id,
                     after={"family": str(session_id)})


def auth_sessions_revoke_others(*, user: User, current_family: str) -> int:
    with transaction.atomic():
        revoked = _revoke_families(user, exclude=current_family)
        audit_record(action="auth.sessions_revoked", actor=user, object_type="user", object_id=user.id,
                     after={"reason": "signed_out_others", "tokens": revoked})
    return revoked


# --------------------------------------------------------------------------- passwords (DESIGN §8)

def _check_policy(user: User, new_password: str) -> None:
    problem = password_problem(new_password, employee_code=user.employee_code)
    if problem:
        raise ValidationFailed(f"New password: {problem}.", errors=[{"loc": ["new_password"], "msg": problem}])


def _refuse_if_sms_managed(user: User) -> None:
    if sms_manages_password(user):
        raise ValidationFailed(
            "Your password is the one of the School Management System; change it there.",
            errors=[{"loc": ["new_password"], "msg": "managed by the School Management System"}],
        )


def auth_password_change(*, user: User, current_password: str, new_password: str, current_family: str = "") -> None:
    _refuse_if_sms_managed(user)
    _check_not_locked(user)
    if not user.check_password(current_password):
        locked = _register_failure(user)
        if locked is not None:
            raise locked
        raise ValidationFailed("The current password is wrong.",
                               errors=[{"loc": ["current_password"], "msg": "wrong password"}])
    _check_policy(user, new_password)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoked = _revoke_families(user, exclude=current_family)
        audit_record(action="auth.password_changed", actor=user, object_type="user", object_id=user.id,
                     after={"other_sessions_ended": revoked})


def auth_password_forgot(*, employee_code: str) -> None:
    """Email a reset code if the code names an active local account with an email; the caller
    answers 202 whatever happens here, so nobody learns whether a code exists."""
    user = User.objects.filter(employee_code__iexact=employee_code.strip()[:64], is_active=True).first()
    if user is None or not user.email or sms_manages_password(user):
        make_password("equal-work-for-unknown-codes")
        return
    recent = OtpChallenge.objects.filter(user=user, purpose=OtpChallenge.PURPOSE_RESET,
                                         created_at__gt=timezone.now() - settings.PASSWORD_RESET_INTERVAL)
    if recent.exists():
        return  # one email per account per interval: asking again does not flood the inbox
    _, code = _new_code(user, purpose=OtpChallenge.PURPOSE_RESET, lifetime=settings.PASSWORD_RESET_LIFETIME)
    minutes = int(settings.PASSWORD_RESET_LIFETIME.total_seconds() // 60)
    audit_record(action="auth.password_reset_requested", actor=None, object_type="user", object_id=user.id)
    _send_email(
        subject="Your HDMS password reset code",
        message=f"Your HDMS password reset code is {code}. It expires in {minutes} minutes.\n"
        "If you did not ask to reset your password, ignore this email and tell the help desk.",
        to=user.email,
    )


def _use_code(user: User | None, *, purpose: str, code: str) -> bool:
    """Spend one try of the user's newest live code of this purpose; True if it was right."""
    if user is None:
        return False
    with transaction.atomic():
        User.objects.select_for_update().filter(id=user.id).values_list("id", flat=True).first()
        challenge = OtpChallenge.objects.filter(
            user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("-created_at").first()
        if challenge is None or challenge.attempts >= settings.OTP_MAX_ATTEMPTS:
            return False
        OtpChallenge.objects.filter(id=challenge.id).update(attempts=F("attempts") + 1)
        if not check_password(code.strip(), challenge.code_hash):
            return False
        OtpChallenge.objects.filter(id=challenge.id).update(used_at=timezone.now())
    return True


def auth_password_reset(*, employee_code: str, code: str, new_password: str) -> None:
    user = User.objects.filter(employee_code__iexact=employee_code.strip()[:64], is_active=True).first()
    if user is not None:
        _check_policy(user, new_password)
    if user is None or sms_manages_password(user) or not _use_code(user, purpose=OtpChallenge.PURPOSE_RESET,
                                                                     code=code):
        raise ValidationFailed("The code is wrong or has expired; ask for a new one.",
                               errors=[{"loc": ["code"], "msg": "wrong or expired"}])
    with transaction.atomic():
        user.set_password(new_password)
        user.failed_logins, user.lockouts, user.locked_until = 0, 0, None
        user.save(update_fields=["password", "failed_logins", "lockouts", "locked_until"])
        audit_record(action="auth.password_reset", actor=user, object_type="user", object_id=user.id)
        auth_sessions_revoke_all(user=user, by=user, reason="password_reset")


# --------------------------------------------------------------------------- two-factor by the user

def auth_otp_enable(*, user: User) -> None:
    if not user.email:
        raise ValidationFailed("Two-factor sends codes by email; your account has no email address.",
                               errors=[{"loc": ["email"], "msg": "required"}])
    _check_not_locked(user)
    _, code = _new_code(user, purpose=OtpChallenge.PURPOSE_ENABLE, lifetime=settings.OTP_LIFETIME)
    _send_email(subject="Confirm two-factor sign-in for HDMS",
                message=f"Your HDMS confirmation code is {code}. Enter it in your profile to turn on "
                "two-factor sign-in.", to=user.email)


def auth_otp_confirm(*, user: User, code: str) -> None:
    if not _use_code(user, purpose=OtpChallenge.PURPOSE_ENABLE, code=code):
        raise ValidationFailed("The code is wrong or has expired; ask for a new one.",
                               errors=[{"loc": ["code"], "msg": "wrong or expired"}])
    with transaction.atomic():
        User.objects.filter(id=user.id).update(otp_enabled=True)
        audit_record(action="auth.otp_enabled", actor=user, object_type="user", object_id=user.id)


def auth_otp_disable(*, user: User, password: str) -> None:
    if user.role in _otp_required_roles():
        raise Forbidden("Two-factor sign-in is required for your role.")
    _check_not_locked(user)
    if not _password_ok(user, password):
        locked = _register_failure(user)
        if locked is not None:
            raise locked
        raise ValidationFailed("The password is wrong.", errors=[{"loc": ["password"], "msg": "wrong password"}])
    with transaction.atomic():
        User.objects.filter(id=user.id).update(otp_enabled=False)
        audit_record(action="auth.otp_disabled", actor=user, object_type="user", object_id=user.id)


def auth_unlock(*, by: User | None, user_id: Any) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().filter(id=user_id).first()
        if user is None:
            raise NotFound()
        before = {"locked_until": user.locked_until.isoformat() if user.locked_until else None,
                  "lockouts": user.lockouts}
        user.failed_logins, user.lockouts, user.locked_until = 0, 0, None
        user.save(update_fields=["failed_logins", "lockouts", "locked_until"])
        audit_record(action="user.unlock", actor=by, object_type="user", object_id=user.id, before=before)
    return user


__all__ = ["Device", "OtpRequired", "TokenPair", "auth_login", "auth_logout", "auth_otp_confirm", "auth_otp_disable",
           "auth_otp_enable", "auth_otp_verify", "auth_password_change", "auth_password_forgot",
           "auth_password_reset", "auth_refresh", "auth_session_revoke", "auth_sessions", "auth_sessions_revoke_all",
           "auth_sessions_revoke_others", "auth_unlock", "otp_required_by_role", "otp_required_for",
           "sms_manages_password"]
