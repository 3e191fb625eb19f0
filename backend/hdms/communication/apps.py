from django.apps import AppConfig


class CommunicationConfig(AppConfig):
    name = "hdms.communication"
    label = "communication"
