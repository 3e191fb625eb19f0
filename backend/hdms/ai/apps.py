from django.apps import AppConfig


class AiConfig(AppConfig):
    name = "hdms.ai"
    label = "ai"
