"""A number that moves whenever the log's data changes: what the dashboard's figures are kept
under, so that they are counted once per change instead of once per look.

The number is not moved by each service remembering to: every connection watches the SQL it
runs, and an INSERT, UPDATE or DELETE on a table the figures read (the challenges, their
agencies, actions, progress, canonical names, themes, recurring concerns, the counts kept
from them, the partnerships and the memberships that say what an agency lead sees) moves it
once the transaction commits. The register watches its own tables; insights and accounts add
theirs with ``watch`` when they start.
Bulk writes, queryset updates and raw SQL through Django are all seen; a rolled-back
transaction moves nothing. One number serves every partnership: a change in one partnership
makes the others count again too, which costs a count, never a stale figure. A restore moves
it past every number used before (``move_past``). Writes made outside the product (psql) are
not seen: kept figures also expire after ``KEEP_SECONDS``.
"""

from __future__ import annotations

import re

from django.db import connection, connections, transaction

KEEP_SECONDS = 600

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE
)
_watched: set[str] = set()
_migrating = False  # the table of the number may not be there yet


def watch(*models) -> None:
    """Move the number on writes to these models' tables. The register watches its own; the
    apps above it add the tables their figures read (in their `AppConfig.ready`)."""
    _watched.update(m._meta.db_table.lower() for m in models)


def watched_tables() -> frozenset[str]:
    """The tables the dashboard and the report pack read."""
    return frozenset(_watched)


def watch_register() -> None:
    from challengelog.register.models import (
        Action,
        Agency,
        Challenge,
        Forum,
        Partnership,
        ProgressUpdate,
        Raiser,
    )

    watch(
        Partnership,
        Agency,
        Forum,
        Raiser,
        Challenge,
        Challenge.agencies.through,
        Action,
        ProgressUpdate,
    )


def current() -> int:
    """The number now (0 before anything was ever written)."""
    from challengelog.register.models import DataVersion

    return DataVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def bump(using: str = "default") -> None:
    """One statement, no savepoint: it may run while the write that caused it still has rows
    to give (an INSERT ... RETURNING)."""
    from challengelog.register.models import DataVersion

    table = connections[using].ops.quote_name(DataVersion._meta.db_table)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, number) VALUES (1, 1) "
            f"ON CONFLICT (id) DO UPDATE SET number = {table}.number + 1"
        )


def move_past(number: int, using: str = "default") -> None:
    """After a restore: past every number this installation has kept figures under, as the
    restored number may be one it used before for other data."""
    from django.db.models import Value
    from django.db.models.functions import Greatest

    from challengelog.register.models import DataVersion

    bump(using)
    DataVersion.objects.using(using).filter(pk=1).update(
        number=Greatest("number", Value(number + 1))
    )


def _bump_on(alias: str):
    def run():
        bump(alias)

    run.challengelog_version = alias
    return run


def _pending(conn) -> bool:
    # Django's own list of what runs at commit: the bump is registered once per transaction,
    # and comes off the list again when the savepoint that registered it rolls back.
    return any(
        getattr(entry[1], "challengelog_version", None) == conn.alias
        for entry in conn.run_on_commit
    )


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    if match and not _migrating and match.group(1).lower() in _watched:
        conn = context["connection"]
        if not conn.in_atomic_block or getattr(conn.atomic_blocks[0], "_from_testcase", False):
            # No transaction, or the test framework's own, which never commits (Django's
            # durable check makes the same exception): moved at once.
            bump(conn.alias)
        elif not _pending(conn):
            # After the commit, so that a long import does not hold the one row every other
            # write would wait for.
            transaction.on_commit(_bump_on(conn.alias), using=conn.alias)
    return result


def install(sender=None, connection=connection, **kwargs) -> None:
    """Watch a new connection's writes (``connection_created``)."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def migrating(sender=None, **kwargs) -> None:
    """``pre_migrate``: writes made by migrations are not watched."""
    global _migrating
    _migrating = True


def migrated(sender=None, **kwargs) -> None:
    """``post_migrate``: watched again, and moved once for whatever the migrations changed."""
    global _migrating
    _migrating = False
    if sender is None or sender.label != "register":
        return
    from challengelog.register.models import DataVersion

    conn = connections[kwargs.get("using", "default")]
    if DataVersion._meta.db_table in conn.introspection.table_names():
        bump(conn.alias)


def install_everywhere() -> None:
    """Watch the connections open already (the signal sees only new ones)."""
    for conn in connections.all(initialized_only=True):
        install(connection=conn)
