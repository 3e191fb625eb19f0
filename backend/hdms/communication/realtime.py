"""Channel-layer group names and sends: the one place services push live events from."""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def room_group(room_id: Any) -> str:
    return f"ticket.{room_id}"


def user_group(user_id: Any) -> str:
    return f"user.{user_id}"


# Every server process subscribes one channel to this group (relay.AccessWatch); its events name
# the users whose open sockets must close or re-check their access.
ACCESS_GROUP = "ws.access"


def group_send(group: str, event: dict[str, Any]) -> None:
    """Send from sync code (services, tasks, event handlers) to every socket in ``group``."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, event)
