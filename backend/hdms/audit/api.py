"""Audit API (``/api/v1/audit``): built by the ticket service; see DESIGN §4."""

routes: list = []
