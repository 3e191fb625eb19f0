"""Settings of the communication service, imported by hdms.settings.base."""

import environ

env = environ.Env()

# Chat (DESIGN §5)
HDMS_MESSAGE_MAX_LENGTH = env.int("HDMS_MESSAGE_MAX_LENGTH", default=10_000)
HDMS_MESSAGE_EDIT_MINUTES = env.int("HDMS_MESSAGE_EDIT_MINUTES", default=15)
HDMS_MESSAGE_MAX_ATTACHMENTS = 20
# Typing events from one connection are forwarded at most this often (seconds).
HDMS_TYPING_INTERVAL = env.float("HDMS_TYPING_INTERVAL", default=2.0)
# A person is "composing" (DESIGN §10 presence state) until this long after the last typing frame
# of their socket (the web app sends one at most every 2.5 s while keys are pressed), or until
# they send, leave or say they stopped.
HDMS_COMPOSING_SECONDS = env.float("HDMS_COMPOSING_SECONDS", default=6.0)

# Connection registry / presence in Redis: each open socket refreshes its entry every
# HEARTBEAT seconds; an entry not refreshed for TTL seconds (a crashed process) no longer counts
# towards the per-user limit or towards "online".
HDMS_WS_HEARTBEAT_SECONDS = env.int("HDMS_WS_HEARTBEAT_SECONDS", default=30)
HDMS_WS_PRESENCE_TTL_SECONDS = env.int("HDMS_WS_PRESENCE_TTL_SECONDS", default=90)
# How often at most an arriving socket renews its process's membership of the access-event
# group (communication/relay.py AccessWatch); 0 renews at every handshake (the tests, which
# flush Redis between tests).
HDMS_WS_ACCESS_RESUBSCRIBE_SECONDS = env.float("HDMS_WS_ACCESS_RESUBSCRIBE_SECONDS", default=1.0)

# Email: non-urgent notifications wait this long so that a burst becomes one digest.
HDMS_EMAIL_DIGEST_SECONDS = env.int("HDMS_EMAIL_DIGEST_SECONDS", default=120)
# Every link the server writes (emails) starts with the web app's address: set it to the public
# one in production (e.g. https://desk.idara.example); by default the web app of `make run`.
HDMS_FRONTEND_URL = env.str(
    "HDMS_FRONTEND_URL", default=f"http://127.0.0.1:{env.int('HDMS_WEB_PORT', default=3000)}"
).rstrip("/")

# Email digests (DESIGN §8, notification preferences): a person on "hourly" gets at most one mail
# an hour (at the first tick after each full hour), on "daily" one a day at this hour of the desk's
# time zone; each carries what arrived before its period began. Urgent ones are emailed at once.
HDMS_EMAIL_DAILY_DIGEST_HOUR = env.int("HDMS_EMAIL_DAILY_DIGEST_HOUR", default=8)

# Emails a failed flush left pending (SMTP was down past the task's retries) are flushed again by
# this beat job; an email is retried until SMTP takes it, never dropped.
HDMS_COMMUNICATION_BEAT_SCHEDULE = {
    "communication-email-pending-sweep": {
        "task": "communication.email_pending_sweep",
        "schedule": env.int("HDMS_EMAIL_SWEEP_SECONDS", default=300),
        "options": {"queue": "default", "expires": 240},
    },
    "communication-email-digests": {
        "task": "communication.email_digests_send",
        "schedule": env.int("HDMS_EMAIL_DIGEST_TICK_SECONDS", default=300),
        "options": {"queue": "default", "expires": 240},
    },
}

# Email in (DESIGN §11): an SMTP listener (``manage.py mail_in``) that turns mail from known
# employees into tickets and replies to notification emails into messages. Off unless it has a
# port; the launcher and `make run` start it when HDMS_MAIL_IN_PORT is set. It speaks plain SMTP on
# loopback by default: the desk's mail server (which checks SPF/DKIM/DMARC) relays the desk's
# addresses to it. HDMS_MAIL_IN_ADDRESS is the desk address (default: HDMS_FROM_EMAIL's address);
# reply addresses are <local>+t-<ticket>-<mac>@<domain> (hdms/communication/reply_address.py).
HDMS_MAIL_IN_PORT = env.int("HDMS_MAIL_IN_PORT", default=0)
HDMS_MAIL_IN_HOST = env.str("HDMS_MAIL_IN_HOST", default="127.0.0.1")
HDMS_MAIL_IN_ADDRESS = env.str("HDMS_MAIL_IN_ADDRESS", default="")
# Bigger mail is refused with 552 before it is read (aiosmtpd's data_size_limit).
HDMS_MAIL_IN_MAX_BYTES = env.int("HDMS_MAIL_IN_MAX_BYTES", default=25 * 1024 * 1024)
