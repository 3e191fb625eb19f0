from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "hdms.tickets"
    label = "tickets"
