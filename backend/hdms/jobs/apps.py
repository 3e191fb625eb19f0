from django.apps import AppConfig

from hdms.jobs import scheduler


class JobsConfig(AppConfig):
    name = "hdms.jobs"
    label = "jobs"

    def ready(self) -> None:
        scheduler.install_beat_schedule()
        scheduler.connect_embedded_scheduler()
