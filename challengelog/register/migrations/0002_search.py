"""Full-text search indexes kept in step with every write by triggers.

SQLite: an FTS5 table (porter stemmer), one row per challenge, rowid = challenge id.
PostgreSQL: a tsvector table ('english') with a GIN index.
The indexed document is the challenge text, its action and every progress update.
"""

from django.db import migrations

SQLITE_DOCUMENT = (
    "coalesce(c.text, '') || ' ' || coalesce(c.action, '') || ' ' || coalesce("
    "(SELECT group_concat(u.text, ' ') FROM register_progressupdate u "
    "WHERE u.challenge_id = c.id), '')"
)

SQLITE = [
    "CREATE VIRTUAL TABLE register_challenge_fts USING fts5(body, tokenize='porter unicode61')",
    f"""CREATE TRIGGER register_challenge_fts_insert AFTER INSERT ON register_challenge
    BEGIN
      INSERT INTO register_challenge_fts(rowid, body)
      SELECT c.id, {SQLITE_DOCUMENT} FROM register_challenge c WHERE c.id = new.id;
    END""",
    f"""CREATE TRIGGER register_challenge_fts_update AFTER UPDATE OF text, action
    ON register_challenge
    BEGIN
      DELETE FROM register_challenge_fts WHERE rowid = old.id;
      INSERT INTO register_challenge_fts(rowid, body)
      SELECT c.id, {SQLITE_DOCUMENT} FROM register_challenge c WHERE c.id = new.id;
    END""",
    """CREATE TRIGGER register_challenge_fts_delete AFTER DELETE ON register_challenge
    BEGIN
      DELETE FROM register_challenge_fts WHERE rowid = old.id;
    END""",
]
for event, ref in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
    SQLITE.append(
        f"""CREATE TRIGGER register_progress_fts_{event.lower()} AFTER {event}
        ON register_progressupdate
        BEGIN
          DELETE FROM register_challenge_fts WHERE rowid = {ref}.challenge_id;
          INSERT INTO register_challenge_fts(rowid, body)
          SELECT c.id, {SQLITE_DOCUMENT} FROM register_challenge c WHERE c.id = {ref}.challenge_id;
        END"""
    )
    if event == "UPDATE":
        SQLITE.append(
            f"""CREATE TRIGGER register_progress_fts_move AFTER UPDATE OF challenge_id
            ON register_progressupdate WHEN old.challenge_id <> new.challenge_id
            BEGIN
              DELETE FROM register_challenge_fts WHERE rowid = old.challenge_id;
              INSERT INTO register_challenge_fts(rowid, body)
              SELECT c.id, {SQLITE_DOCUMENT} FROM register_challenge c
              WHERE c.id = old.challenge_id;
            END"""
        )

POSTGRES = [
    # No foreign key: a trigger removes the row, and Django's flush (TRUNCATE) in tests
    # must not find a table it does not know referencing the challenges.
    """CREATE TABLE register_challenge_search (
        challenge_id bigint PRIMARY KEY,
        document tsvector NOT NULL)""",
    "CREATE INDEX register_challenge_search_gin ON register_challenge_search USING GIN (document)",
    """CREATE FUNCTION register_challenge_search_refresh(cid bigint) RETURNS void AS $$
        INSERT INTO register_challenge_search (challenge_id, document)
        SELECT c.id, to_tsvector('english', coalesce(c.text, '') || ' ' || coalesce(c.action, '')
            || ' ' || coalesce((SELECT string_agg(u.text, ' ' ORDER BY u.position, u.id)
                               FROM register_progressupdate u WHERE u.challenge_id = c.id), ''))
        FROM register_challenge c WHERE c.id = cid
        ON CONFLICT (challenge_id) DO UPDATE SET document = EXCLUDED.document;
    $$ LANGUAGE sql""",
    """CREATE FUNCTION register_challenge_search_on_challenge() RETURNS trigger AS $$
    BEGIN
        PERFORM register_challenge_search_refresh(NEW.id);
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION register_challenge_search_on_update() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM register_challenge_search_refresh(OLD.challenge_id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM register_challenge_search_refresh(NEW.challenge_id);
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION register_challenge_search_on_delete() RETURNS trigger AS $$
    BEGIN
        DELETE FROM register_challenge_search WHERE challenge_id = OLD.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER register_challenge_search_gone
        AFTER DELETE ON register_challenge
        FOR EACH ROW EXECUTE FUNCTION register_challenge_search_on_delete()""",
    """CREATE TRIGGER register_challenge_search_challenge
        AFTER INSERT OR UPDATE OF text, action ON register_challenge
        FOR EACH ROW EXECUTE FUNCTION register_challenge_search_on_challenge()""",
    """CREATE TRIGGER register_challenge_search_progress
        AFTER INSERT OR UPDATE OR DELETE ON register_progressupdate
        FOR EACH ROW EXECUTE FUNCTION register_challenge_search_on_update()""",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)
    # Index what is already there.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SELECT register_challenge_search_refresh(id) FROM register_challenge"
        )
    else:
        schema_editor.execute(
            "INSERT INTO register_challenge_fts(rowid, body) "
            f"SELECT c.id, {SQLITE_DOCUMENT} FROM register_challenge c"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE register_challenge_search")
        for fn in ("on_update()", "on_challenge()", "on_delete()", "refresh(bigint)"):
            schema_editor.execute(f"DROP FUNCTION register_challenge_search_{fn} CASCADE")
    else:
        for name in (
            "challenge_fts_insert",
            "challenge_fts_update",
            "challenge_fts_delete",
            "progress_fts_insert",
            "progress_fts_update",
            "progress_fts_delete",
            "progress_fts_move",
        ):
            schema_editor.execute(f"DROP TRIGGER register_{name}")
        schema_editor.execute("DROP TABLE register_challenge_fts")


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
