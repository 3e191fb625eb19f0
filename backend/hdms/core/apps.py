from django.apps import AppConfig
from django.db.backends.signals import connection_created

from hdms.core.db_types import use_native_timestamps


class CoreConfig(AppConfig):
    name = "hdms.core"
    label = "core"

    def ready(self) -> None:
        connection_created.connect(use_native_timestamps, dispatch_uid="hdms.core.native_timestamps")
