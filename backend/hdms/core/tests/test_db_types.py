"""Timestamps come back through psycopg's C loader (hdms/core/db_types.py) and are the same aware
UTC datetimes Django's own loader gave: to the microsecond, across zones and dates, NULL as None."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection

from hdms.core.db_types import UtcTimestampLoader, native_loader_available
from hdms.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_connection_reads_timestamps_with_the_native_loader():
    assert connection.vendor == "postgresql", "the suite runs on PostgreSQL"
    assert native_loader_available()
    with connection.cursor() as cursor:
        assert cursor.cursor.adapters.get_loader(1184, 0) is UtcTimestampLoader


@pytest.mark.parametrize("value", [
    datetime(2026, 12, 6, 17, 17, 0, 123456, tzinfo=UTC),
    datetime(2026, 12, 6, 22, 17, 0, 1, tzinfo=timezone(timedelta(hours=5))),  # Karachi's offset
    datetime(1, 1, 1, 0, 0, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2024, 2, 29, 0, 0, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
])
def test_a_timestamp_reads_back_as_the_same_instant_in_utc(value):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz, NULL::timestamptz", [value])
        read, empty = cursor.fetchone()
    assert read == value
    assert read.tzinfo is UTC
    assert read.utcoffset() == timedelta(0)
    assert empty is None


def test_model_rows_carry_the_same_timestamps(django_user_model):
    user = UserFactory()
    stored = datetime(2026, 3, 1, 9, 30, 15, 250000, tzinfo=UTC)
    django_user_model.objects.filter(pk=user.pk).update(last_login=stored)
    assert django_user_model.objects.get(pk=user.pk).last_login == stored
