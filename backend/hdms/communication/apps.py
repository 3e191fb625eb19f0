from django.apps import AppConfig


class CommunicationConfig(AppConfig):
    name = "hdms.communication"
    label = "communication"

    def ready(self) -> None:
        from hdms.communication.handlers import subscribe_all

        subscribe_all()
