"""Full-text search over the published copy, kept in step by triggers, as for the register
(see register/migrations/0002_search.py): the public search reads only what was published."""

from django.db import migrations

T = "publishing_publishedchallenge"
DOC = "coalesce(new.text, '') || ' ' || coalesce(new.action, '') || ' ' || coalesce(new.progress, '')"

SQLITE = [
    f"CREATE VIRTUAL TABLE {T}_fts USING fts5(body, tokenize='porter unicode61')",
    f"""CREATE TRIGGER {T}_fts_insert AFTER INSERT ON {T}
    BEGIN INSERT INTO {T}_fts(rowid, body) VALUES (new.id, {DOC}); END""",
    f"""CREATE TRIGGER {T}_fts_update AFTER UPDATE OF text, action, progress ON {T}
    BEGIN
      DELETE FROM {T}_fts WHERE rowid = old.id;
      INSERT INTO {T}_fts(rowid, body) VALUES (new.id, {DOC});
    END""",
    f"""CREATE TRIGGER {T}_fts_delete AFTER DELETE ON {T}
    BEGIN DELETE FROM {T}_fts WHERE rowid = old.id; END""",
]

POSTGRES = [
    f"CREATE TABLE {T}_search (challenge_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    f"CREATE INDEX {T}_search_gin ON {T}_search USING GIN (document)",
    f"""CREATE FUNCTION {T}_search_write() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {T}_search WHERE challenge_id = OLD.id;
        ELSE
            INSERT INTO {T}_search (challenge_id, document)
            VALUES (NEW.id, to_tsvector('english', {DOC.replace("new.", "NEW.")}))
            ON CONFLICT (challenge_id) DO UPDATE SET document = EXCLUDED.document;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER {T}_search_trigger
        AFTER INSERT OR UPDATE OF text, action, progress OR DELETE ON {T}
        FOR EACH ROW EXECUTE FUNCTION {T}_search_write()""",
]


def forwards(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES if postgres else SQLITE:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TABLE {T}_search")
        schema_editor.execute(f"DROP FUNCTION {T}_search_write() CASCADE")
    else:
        for name in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER {T}_fts_{name}")
        schema_editor.execute(f"DROP TABLE {T}_fts")


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
