from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "hdms.kb"
    label = "kb"
