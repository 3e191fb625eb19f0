from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "hdms.jobs"
    label = "jobs"

    def ready(self) -> None:
        from hdms.jobs import scheduler

        scheduler.install_beat_schedule()
        scheduler.connect_embedded_scheduler()
