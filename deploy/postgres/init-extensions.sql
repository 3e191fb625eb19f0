-- Run once by the superuser when the database is created (Docker: docker-entrypoint-initdb.d).
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
