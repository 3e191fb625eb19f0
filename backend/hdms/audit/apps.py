from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hdms.audit"
    label = "audit"
