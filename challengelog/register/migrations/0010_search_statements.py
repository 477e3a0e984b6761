"""PostgreSQL's search documents made once per statement instead of once per row: an import
of 10,000 challenges and their progress ran 20,000 trigger functions, each making one
document. The triggers now read the statement's transition tables and make the documents of
every challenge it touched in one INSERT ... SELECT. A change to a challenge that leaves its
text and action as they were makes no document. SQLite's FTS5 triggers are unchanged.
"""

from django.db import migrations

DOCUMENT = (
    "to_tsvector('english', coalesce(c.text, '') || ' ' || coalesce(c.action, '') || ' ' || "
    "coalesce((SELECT string_agg(u.text, ' ' ORDER BY u.position, u.id) "
    "FROM register_progressupdate u WHERE u.challenge_id = c.id), ''))"
)

FORWARDS = [
    "DROP TRIGGER IF EXISTS register_challenge_search_challenge ON register_challenge",
    "DROP TRIGGER IF EXISTS register_challenge_search_gone ON register_challenge",
    "DROP TRIGGER IF EXISTS register_challenge_search_progress ON register_progressupdate",
    f"""CREATE FUNCTION register_challenge_search_many(ids bigint[]) RETURNS void AS $$
        INSERT INTO register_challenge_search (challenge_id, document)
        SELECT c.id, {DOCUMENT} FROM register_challenge c WHERE c.id = ANY(ids)
        ON CONFLICT (challenge_id) DO UPDATE SET document = EXCLUDED.document;
    $$ LANGUAGE sql""",
    """CREATE FUNCTION register_challenge_search_inserted() RETURNS trigger AS $$
    BEGIN
        PERFORM register_challenge_search_many(ARRAY(SELECT id FROM new_rows));
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION register_challenge_search_updated() RETURNS trigger AS $$
    BEGIN
        PERFORM register_challenge_search_many(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (o.text, o.action) IS DISTINCT FROM (n.text, n.action)));
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION register_challenge_search_deleted() RETURNS trigger AS $$
    BEGIN
        DELETE FROM register_challenge_search WHERE challenge_id IN (SELECT id FROM old_rows);
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION register_challenge_search_progress_new() RETURNS trigger AS $$
    BEGIN
        PERFORM register_challenge_search_many(ARRAY(SELECT DISTINCT challenge_id FROM new_rows));
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION register_challenge_search_progress_old() RETURNS trigger AS $$
    BEGIN
        PERFORM register_challenge_search_many(ARRAY(SELECT DISTINCT challenge_id FROM old_rows));
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION register_challenge_search_progress_changed() RETURNS trigger AS $$
    BEGIN
        PERFORM register_challenge_search_many(ARRAY(
            SELECT challenge_id FROM old_rows UNION SELECT challenge_id FROM new_rows));
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER register_challenge_search_inserted AFTER INSERT ON register_challenge
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION register_challenge_search_inserted()""",
    """CREATE TRIGGER register_challenge_search_updated AFTER UPDATE ON register_challenge
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION register_challenge_search_updated()""",
    """CREATE TRIGGER register_challenge_search_deleted AFTER DELETE ON register_challenge
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION register_challenge_search_deleted()""",
    """CREATE TRIGGER register_challenge_search_progress_new
        AFTER INSERT ON register_progressupdate REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION register_challenge_search_progress_new()""",
    """CREATE TRIGGER register_challenge_search_progress_old
        AFTER DELETE ON register_progressupdate REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION register_challenge_search_progress_old()""",
    """CREATE TRIGGER register_challenge_search_progress_changed
        AFTER UPDATE ON register_progressupdate
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION register_challenge_search_progress_changed()""",
]

BACKWARDS = [
    "DROP TRIGGER register_challenge_search_inserted ON register_challenge",
    "DROP TRIGGER register_challenge_search_updated ON register_challenge",
    "DROP TRIGGER register_challenge_search_deleted ON register_challenge",
    "DROP TRIGGER register_challenge_search_progress_new ON register_progressupdate",
    "DROP TRIGGER register_challenge_search_progress_old ON register_progressupdate",
    "DROP TRIGGER register_challenge_search_progress_changed ON register_progressupdate",
    "DROP FUNCTION register_challenge_search_inserted()",
    "DROP FUNCTION register_challenge_search_updated()",
    "DROP FUNCTION register_challenge_search_deleted()",
    "DROP FUNCTION register_challenge_search_progress_new()",
    "DROP FUNCTION register_challenge_search_progress_old()",
    "DROP FUNCTION register_challenge_search_progress_changed()",
    "DROP FUNCTION register_challenge_search_many(bigint[])",
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
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("register", "0009_dashboard_reads")]
    operations = [migrations.RunPython(forwards, backwards)]
