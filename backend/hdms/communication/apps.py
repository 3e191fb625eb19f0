from django.apps import AppConfig


class CommunicationConfig(AppConfig):
    name = "hdms.communication"
    label = "communication"

    def ready(self) -> None:
        # Settings-time: the handlers import the tasks and services, whose models need the app registry.
        from hdms.communication.handlers import subscribe_all

        subscribe_all()
