"""A plain DB-API connection to the test database, outside Django's per-thread care: for
tests that reproduce what a shared connection does, or watch the server from outside."""

import sqlite3

from django.db import connection


def raw_connection():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return sqlite3.connect(settings["NAME"], check_same_thread=False, isolation_level=None)
    import psycopg

    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        dbname=settings["NAME"],
        user=settings["USER"] or "postgres",
        autocommit=True,
    )
