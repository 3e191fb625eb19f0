"""Settings of the tickets service, imported by hdms.settings.base."""

import environ

env = environ.Env()
