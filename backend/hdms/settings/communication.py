"""Settings of the communication service, imported by hdms.settings.base."""

import environ

env = environ.Env()
