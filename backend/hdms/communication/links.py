"""Links the server writes (emails): each one is a route of the web app (``frontend/app``), on
``HDMS_FRONTEND_URL``. A test checks every path here against the web app's routes.

- ``/tickets/<id>``: one link for every role; the web app opens the requestor's view for the
  person who filed the ticket and the staff view (review, task) for the others.
- ``/notifications``: the viewer's notifications.
- ``/settings/notifications``: which events email the viewer (the preferences API's choices).
"""

from typing import Any

from django.conf import settings

TICKET_PATH = "/tickets/{id}"
NOTIFICATIONS_PATH = "/notifications"
NOTIFICATION_SETTINGS_PATH = "/settings/notifications"


def web_url(path: str) -> str:
    return f"{settings.HDMS_FRONTEND_URL.rstrip('/')}{path}"


def ticket_url(ticket_id: Any) -> str:
    return web_url(TICKET_PATH.format(id=ticket_id))


def notifications_url() -> str:
    return web_url(NOTIFICATIONS_PATH)


def notification_settings_url() -> str:
    return web_url(NOTIFICATION_SETTINGS_PATH)
