"""The log's counts kept by the database: what the dashboard adds up instead of counting a
million challenges on the first look after a change.

``insights.Tally`` holds, per partnership, month raised (0: no date) and status, how many
challenges there are in all and per forum, raiser, risk, agency, theme, "to all partners" and
(assured ones) days from raised to assured. Triggers on the challenges, their agency links and
their themes keep it in step with every write, whatever makes it: the forms, the API, an
import, a queryset update, raw SQL, a retention deletion, a restore of rows. A write that
changes nothing counted (progress, a note, the escalation stage) writes nothing here.

SQLite runs a row trigger per change, adding to the one row of each count (one writer at a
time: nothing waits). PostgreSQL runs one trigger per statement, over its transition tables,
and only inserts: each statement adds rows of +n and -n ("deltas") beside the merged counts,
so two writers never wait for the same row of counts (adding to shared rows made an import
and an edit of the same partnership wait for each other, and could deadlock them). Reads add
up both; ``compact`` folds a partnership's deltas into its merged rows once they pass
``COMPACT_AT``, at the next read.

A period of whole months (the whole log, a reporting year) is read from here; a period that
starts or ends inside a month, and an agency lead's own challenges, are counted from the log.
``recount`` makes the rows again from the log: after the migration that brings them, and after
a test database is emptied by deleting rows (the counts would be taken below zero).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from django.db import connection, transaction

from challengelog.insights import stats

# The challenge's columns a tally depends on: a change to any other moves nothing.
COUNTED = (
    "partnership_id",
    "date_raised",
    "status",
    "forum_id",
    "raised_by_id",
    "risk",
    "to_all_partners",
    "date_resolved",
)
LOCK_CLASS = 7411  # PostgreSQL advisory locks: (this, partnership id) while compacting
COMPACT_AT = 1_000  # deltas of a partnership folded in at the next read
LINKS = {
    "agency": ("register_challenge_agencies", "CAST(l.agency_id AS TEXT)"),
    "theme": ("insights_challengetheme", "l.theme"),
}
_INSERT = (
    "INSERT INTO insights_tally (partnership_id, month, status, kind, value, n, merged) "
    "SELECT p, m, s, k, v, sum(d), {merged} FROM ({rows}) x WHERE true "
    "GROUP BY p, m, s, k, v HAVING sum(d) <> 0"
)
# The merged rows are one per count (a unique index on them alone).
_ADD = (
    " ON CONFLICT (partnership_id, kind, month, status, value) WHERE merged "
    "DO UPDATE SET n = insights_tally.n + excluded.n"
)


def _upsert(rows: str) -> str:  # SQLite: into the merged rows
    return _INSERT.format(rows=rows, merged="TRUE") + _ADD


def _deltas(rows: str) -> str:  # PostgreSQL: beside them
    return _INSERT.format(rows=rows, merged="FALSE")


def _month(vendor: str, c: str) -> str:
    if vendor == "postgresql":
        return (
            f"coalesce(CAST(extract(year FROM {c}.date_raised) * 100 "
            f"+ extract(month FROM {c}.date_raised) AS integer), 0)"
        )
    return f"coalesce(CAST(strftime('%Y%m', {c}.date_raised) AS INTEGER), 0)"


def _took(vendor: str, c: str) -> str:
    if vendor == "postgresql":
        return f"CAST({c}.date_resolved - {c}.date_raised AS TEXT)"
    return (
        f"CAST(CAST(julianday({c}.date_resolved) - julianday({c}.date_raised) AS INTEGER) AS TEXT)"
    )


def _select(vendor, c, sign, source, kind, value, *, where=None, link=None, first=False):
    """One kind's rows of (p, m, s, k, v, d) for the challenges ``c``: from the relation
    ``source`` (a table or transition table), or the trigger's own row when it is None."""
    names = (" AS p", " AS m", " AS s", " AS k", " AS v", " AS d") if first else ("",) * 6
    columns = (
        f"{c}.partnership_id",
        _month(vendor, c),
        f"{c}.status",
        f"'{kind}'",
        value,
        str(sign),
    )
    sql = "SELECT " + ", ".join(col + name for col, name in zip(columns, names, strict=True))
    froms, conditions = [], []
    if source:
        froms.append(f"{source} {c}")
    if link:
        froms.append(f"{link} l")
        conditions.append(f"l.challenge_id = {c}.id")
    if where:
        conditions.append(where)
    if froms:
        sql += " FROM " + ", ".join(froms)
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    return sql


def contributions(vendor: str, c: str, sign: int, source: str | None = None) -> str:
    """Every tally row the challenges ``c`` count in, each with ``sign``."""
    parts = [
        _select(vendor, c, sign, source, "all", "''", first=True),
        _select(vendor, c, sign, source, "forum", f"coalesce(CAST({c}.forum_id AS TEXT), '')"),
        _select(vendor, c, sign, source, "raiser", f"coalesce(CAST({c}.raised_by_id AS TEXT), '')"),
        _select(vendor, c, sign, source, "risk", f"{c}.risk"),
        _select(vendor, c, sign, source, "everyone", "''", where=f"{c}.to_all_partners"),
        _select(
            vendor,
            c,
            sign,
            source,
            "took",
            _took(vendor, c),
            where=(
                f"{c}.status = 'assured' AND {c}.date_raised IS NOT NULL "
                f"AND {c}.date_resolved IS NOT NULL"
            ),
        ),
    ]
    for kind, (table, value) in LINKS.items():
        parts.append(_select(vendor, c, sign, source, kind, value, link=table))
    return " UNION ALL ".join(parts)


def _linked(vendor: str, kind: str, sign: int, row: str, source: str | None) -> str:
    """The tally rows of agency or theme links ``row``: counted under their challenge's month
    and status."""
    _table, value = LINKS[kind]
    value = value.replace("l.", f"{row}.")
    if source:  # PostgreSQL: the transition table
        frm = f"FROM {source} {row}, register_challenge c WHERE c.id = {row}.challenge_id"
    else:
        frm = f"FROM register_challenge c WHERE c.id = {row}.challenge_id"
    return (
        f"SELECT c.partnership_id AS p, {_month(vendor, 'c')} AS m, c.status AS s, "
        f"'{kind}' AS k, {value} AS v, {sign} AS d {frm}"
    )


def _changed(old: str, new: str) -> str:
    return " OR ".join(f"{old}.{c} IS NOT {new}.{c}" for c in COUNTED)


def _sqlite_triggers() -> list[str]:
    out = [
        "CREATE TRIGGER tally_challenge_insert AFTER INSERT ON register_challenge BEGIN "
        + _upsert(rows=contributions("sqlite", "NEW", 1))
        + "; END",
        "CREATE TRIGGER tally_challenge_delete AFTER DELETE ON register_challenge BEGIN "
        + _upsert(rows=contributions("sqlite", "OLD", -1))
        + "; END",
        f"CREATE TRIGGER tally_challenge_update AFTER UPDATE OF {', '.join(COUNTED)} "
        f"ON register_challenge WHEN {_changed('OLD', 'NEW')} BEGIN "
        + _upsert(
            rows=contributions("sqlite", "OLD", -1)
            + " UNION ALL "
            + contributions("sqlite", "NEW", 1)
        )
        + "; END",
    ]
    for kind, (table, _value) in LINKS.items():
        out += [
            f"CREATE TRIGGER tally_{kind}_insert AFTER INSERT ON {table} BEGIN "
            + _upsert(rows=_linked("sqlite", kind, 1, "NEW", None))
            + "; END",
            f"CREATE TRIGGER tally_{kind}_delete AFTER DELETE ON {table} BEGIN "
            + _upsert(rows=_linked("sqlite", kind, -1, "OLD", None))
            + "; END",
            f"CREATE TRIGGER tally_{kind}_update AFTER UPDATE ON {table} BEGIN "
            + _upsert(
                rows=_linked("sqlite", kind, -1, "OLD", None)
                + " UNION ALL "
                + _linked("sqlite", kind, 1, "NEW", None)
            )
            + "; END",
        ]
    return out


def _pg_function(name: str, rows: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + _deltas(rows)
        + "; RETURN NULL; END $$"
    )


def _pg_trigger(name: str, table: str, event: str) -> str:
    tables = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }[event]
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {tables} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
    )


def _postgresql_triggers() -> list[str]:
    pg = "postgresql"
    changed = (
        "(SELECT o.* FROM old_rows o, new_rows n WHERE o.id = n.id AND "
        f"({', '.join('o.' + c for c in COUNTED)}) IS DISTINCT FROM "
        f"({', '.join('n.' + c for c in COUNTED)}))"
    )
    changed_to = changed.replace("SELECT o.*", "SELECT n.*")
    out = [
        _pg_function("tally_challenge_insert", contributions(pg, "c", 1, "new_rows")),
        _pg_function("tally_challenge_delete", contributions(pg, "c", -1, "old_rows")),
        _pg_function(
            "tally_challenge_update",
            contributions(pg, "c", -1, changed)
            + " UNION ALL "
            + contributions(pg, "c", 1, changed_to),
        ),
    ]
    for event in ("INSERT", "DELETE", "UPDATE"):
        out.append(_pg_trigger(f"tally_challenge_{event.lower()}", "register_challenge", event))
    for kind, (table, _value) in LINKS.items():
        out += [
            _pg_function(f"tally_{kind}_insert", _linked(pg, kind, 1, "l", "new_rows")),
            _pg_function(f"tally_{kind}_delete", _linked(pg, kind, -1, "l", "old_rows")),
            _pg_function(
                f"tally_{kind}_update",
                _linked(pg, kind, -1, "l", "old_rows")
                + " UNION ALL "
                + _linked(pg, kind, 1, "l", "new_rows"),
            ),
        ]
        for event in ("INSERT", "DELETE", "UPDATE"):
            out.append(_pg_trigger(f"tally_{kind}_{event.lower()}", table, event))
    return out


TRIGGERS = [
    f"tally_{what}_{event}"
    for what in ("challenge", *LINKS)
    for event in ("insert", "delete", "update")
]


def _tables() -> dict[str, str]:
    return {"challenge": "register_challenge", **{k: t for k, (t, _v) in LINKS.items()}}


def uninstall(cursor, vendor: str) -> None:
    tables = _tables()
    for name in TRIGGERS:
        table = tables[name.split("_")[1]]
        if vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install(cursor, vendor: str) -> None:
    """The triggers, made again (a later change to them is a migration that calls this)."""
    uninstall(cursor, vendor)
    for statement in _postgresql_triggers() if vendor == "postgresql" else _sqlite_triggers():
        cursor.execute(statement)


def recount(partnership_id: int | None = None) -> None:
    """Every tally row made again from the log (of one partnership, or of all). On PostgreSQL
    in one statement, so the rows removed and the log counted are seen at the same moment: a
    writer's deltas are either removed and its rows counted, or neither."""
    vendor = connection.vendor
    if partnership_id is None:
        where, source = "", "register_challenge"
    else:
        pk = int(partnership_id)
        where = f" WHERE partnership_id = {pk}"
        source = f"(SELECT * FROM register_challenge WHERE partnership_id = {pk})"
    rows = contributions(vendor, "c", 1, source)
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            # Written as deltas (the merged rows being removed by the same statement still
            # hold their unique keys within it), then folded in.
            counted = _INSERT.format(rows=rows, merged="FALSE")
            cursor.execute(f"WITH gone AS (DELETE FROM insights_tally{where}) {counted}")
        else:
            cursor.execute(f"DELETE FROM insights_tally{where}")
            cursor.execute(_INSERT.format(rows=rows, merged="TRUE"))
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT partnership_id FROM insights_tally{where}")
            for (pk,) in cursor.fetchall():
                compact(pk)


def deltas(partnership_id: int) -> int:
    """How many rows of deltas the partnership has, up to COMPACT_AT."""
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT count(*) FROM (SELECT 1 FROM "insights_tally" '
            "WHERE partnership_id = %s AND NOT merged LIMIT %s) x",
            [partnership_id, COMPACT_AT],
        )
        return cursor.fetchone()[0]


def compact(partnership_id: int) -> None:
    """The partnership's deltas folded into its merged rows, in one statement. Skipped while
    another request compacts the same partnership; writers are never waited for (their
    deltas not yet committed are not seen, and stay)."""
    if connection.vendor != "postgresql":
        return  # SQLite's triggers add to the merged rows themselves
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_CLASS, int(partnership_id)]
        )
        if not cursor.fetchone()[0]:
            return
        cursor.execute(
            "WITH gone AS (DELETE FROM insights_tally WHERE partnership_id = %s AND NOT merged "
            "RETURNING month, status, kind, value, n) "
            "INSERT INTO insights_tally (partnership_id, month, status, kind, value, n, merged) "
            "SELECT %s, month, status, kind, value, sum(n), TRUE FROM gone "
            "GROUP BY month, status, kind, value" + _ADD,
            [partnership_id, partnership_id],
        )


def consistent() -> bool:
    """Whether the tally adds up to the log: the same number of challenges, and no count
    below zero. Cheap enough to ask after every migration."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM register_challenge")
        challenges = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(sum(n), 0) FROM insights_tally WHERE kind = 'all'")
        counted = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM insights_tally "
            "GROUP BY partnership_id, kind, month, status, value HAVING sum(n) < 0) x"
        )
        negative = cursor.fetchone()[0]
    return counted == challenges and not negative


def migrated(sender, using="default", **kwargs) -> None:
    """``post_migrate`` (a test database emptied row by row sends it too): the triggers made
    again if a migration dropped one (SQLite remakes a table to alter a column, without its
    triggers), and the tally counted again when it no longer adds up to the log."""
    from django.db import connections

    conn = connections[using]
    if using != "default" or not _installed(conn):
        return
    if missing(conn):
        with conn.cursor() as cursor:
            install(cursor, conn.vendor)
        recount()
    elif not consistent():
        recount()


def missing(conn) -> list[str]:
    """The tally's triggers the database does not have."""
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    return [name for name in TRIGGERS if name not in present]


def _installed(conn) -> bool:
    tables = conn.introspection.table_names()
    return "insights_tally" in tables and "register_challenge" in tables


# Reading ---------------------------------------------------------------------------------


def covers(date_from: dt.date | None, date_to: dt.date | None) -> bool:
    """Whether the period is made of whole months: the tally counts it exactly."""
    if date_from and date_from.day != 1:
        return False
    return not (date_to and date_to.day != calendar.monthrange(date_to.year, date_to.month)[1])


def _months(date_from: dt.date | None, date_to: dt.date | None) -> tuple[str, list]:
    """The SQL condition on ``month`` for the period, and its parameters."""
    if date_from is None and date_to is None:
        return "", []
    low = date_from.year * 100 + date_from.month if date_from else 1
    high = date_to.year * 100 + date_to.month if date_to else 999999
    return " AND month BETWEEN %s AND %s", [max(low, 1), high]


def counts(partnership_id: int, date_from=None, date_to=None) -> tuple[dict, dict]:
    """Two reads: ``{(kind, value): [(status, n)]}`` over the period, and, for the years,
    ``{month: [(status, n)]}``."""
    if deltas(partnership_id) >= COMPACT_AT:
        compact(partnership_id)
    months, params = _months(date_from, date_to)
    by_kind: dict = defaultdict(list)
    by_month: dict = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT kind, value, status, sum(n) FROM "insights_tally" '
            f"WHERE partnership_id = %s AND kind <> 'all'{months} "
            "GROUP BY kind, value, status HAVING sum(n) <> 0",
            [partnership_id, *params],
        )
        for kind, value, status, n in cursor.fetchall():
            by_kind[(kind, value)].append((status, int(n)))
        cursor.execute(
            'SELECT month, status, sum(n) FROM "insights_tally" '
            f"WHERE partnership_id = %s AND kind = 'all'{months} "
            "GROUP BY month, status HAVING sum(n) <> 0",
            [partnership_id, *params],
        )
        for month, status, n in cursor.fetchall():
            by_month[month].append((status, int(n)))
    return by_kind, by_month


def _of(by_kind: dict, kind: str, key=str) -> dict:
    """The counts of one kind, keyed as the log's own grouping keys them (an id, or None for
    not recorded)."""
    out: dict = {}
    for (k, value), statuses in by_kind.items():
        if k == kind:
            out[key(value) if value != "" else None] = statuses
    return out


def figures(
    read: tuple[dict, dict],
    *,
    today: dt.date,
    queryset,
    count_limit: int | None = None,
    whole: bool = True,
) -> dict:
    """The dashboard's figures as ``stats.figures`` gives them, from ``counts``; ``queryset``
    (the period's challenges) still lists the oldest open challenges and overdue actions, which
    read the log's indexes."""
    by_kind, by_month = read
    statuses: dict = defaultdict(int)
    days = []
    for month, rows in by_month.items():
        for status, n in rows:
            statuses[status] += n
        day = f"{month // 100:04d}-{month % 100:02d}-01" if month else None
        days += [(day, status, n) for status, n in rows]
    took = {
        int(value): sum(n for _s, n in rows)
        for (kind, value), rows in by_kind.items()
        if kind == "took"
    }
    return stats.assemble(
        statuses=dict(statuses),
        days=days,
        agencies=_of(by_kind, "agency", int),
        everyone=by_kind.get(("everyone", ""), []),
        forums=_of(by_kind, "forum", int),
        raisers=_of(by_kind, "raiser", int),
        risks=_of(by_kind, "risk"),
        took=took,
        queryset=queryset,
        today=today,
        undated_open=sum(n for status, n in by_month.get(0, []) if status == stats.OPEN),
        internal=True,
        count_limit=count_limit,
        whole=whole,
    )


def theme_counts(read: tuple[dict, dict]) -> list:
    return stats.theme_rows(_of(read[0], "theme"))
