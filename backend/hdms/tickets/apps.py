from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "hdms.tickets"
    label = "tickets"

    def ready(self) -> None:
        # Imported here: app modules may only be imported once the app registry is ready.
        from django.db.models.signals import post_delete, post_save

        # Settings time, as above: the models and the selectors built on them need the registry.
        from hdms.core.schema_types import set_desk_clock
        from hdms.tickets.models import DeskSettings, Holiday, SlaPolicy
        from hdms.tickets.selectors import desk_clock, sla_config_invalidate

        # Zone-less date-times anywhere in the API are read in the desk's zone and hours (DESIGN §9).
        set_desk_clock(desk_clock)
        # The cached SLA configuration (selectors._sla_config) is dropped by any change to its rows.
        for model in (DeskSettings, Holiday, SlaPolicy):
            post_save.connect(sla_config_invalidate, sender=model, dispatch_uid=f"sla-config-save-{model.__name__}")
            post_delete.connect(sla_config_invalidate, sender=model,
                                dispatch_uid=f"sla-config-delete-{model.__name__}")
