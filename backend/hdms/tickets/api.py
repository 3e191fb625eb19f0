"""Routers of this service; see hdms.topology."""

routes: list = []
