"""Settings of the files service, imported by hdms.settings.base."""

import environ

env = environ.Env()
