from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "hdms.tickets"
    label = "tickets"

    def ready(self) -> None:
        from hdms.core.schema_types import set_desk_clock
        from hdms.tickets.selectors import desk_clock

        # Zone-less date-times anywhere in the API are read in the desk's zone and hours (DESIGN §9).
        set_desk_clock(desk_clock)
