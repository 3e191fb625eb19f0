from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "hdms.files"
    label = "files"
