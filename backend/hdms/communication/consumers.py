"""WebSocket consumers of the communication service."""
