from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "hdms.users"
    label = "users"
