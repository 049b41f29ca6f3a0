"""What every benchmark shares: its own database, created when missing."""

from __future__ import annotations

import os
from urllib.parse import urlsplit


def ensure_database() -> None:
    """Create the PostgreSQL database named in DATABASE_URL if it does not exist yet."""
    url = urlsplit(os.environ["DATABASE_URL"])
    if not url.scheme.startswith("postgres"):
        return  # SQLite creates its file itself
    import psycopg
    from psycopg import sql

    name = url.path.lstrip("/")
    server = url._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
