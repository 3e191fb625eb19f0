from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hdms.core"
    label = "core"
