# The published copy names its agencies, meetings and raisers by entries of its own (a
# snapshot made at publish, with slugs from the redacted label) instead of the internal
# reference lists. The copies already published are moved over: their entries are made from
# the reference lists as they are now, through the name redaction.

import importlib
import re

import django.db.models.deletion
from django.db import migrations, models
from django.utils.text import slugify

MARKER = re.compile(r"\[[^\[\]]*\]")
KINDS = (("agency", "Agency"), ("forum", "Forum"), ("raiser", "Raiser"))


def remember(apps, schema_editor):
    PublishedChallenge = apps.get_model("publishing", "PublishedChallenge")
    for item in PublishedChallenge.objects.all().iterator():
        item.entry_ids = {
            "forum": item.forum_id,
            "raiser": item.raised_by_id,
            "agency": list(item.agencies.values_list("pk", flat=True)),
        }
        item.save(update_fields=["entry_ids"])
    _checked(schema_editor)


def _checked(schema_editor):
    # PostgreSQL refuses to alter a table with constraint checks still deferred.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def snapshot(apps, schema_editor):
    from challengelog.publishing import redaction

    PublishedChallenge = apps.get_model("publishing", "PublishedChallenge")
    PublishedEntry = apps.get_model("publishing", "PublishedEntry")
    NameReview = apps.get_model("publishing", "NameReview")
    partnerships = set(PublishedChallenge.objects.values_list("partnership_id", flat=True))
    for partnership_id in partnerships:
        chosen = dict(
            NameReview.objects.filter(partnership_id=partnership_id).values_list(
                "name", "replacement"
            )
        )
        sources = {}
        terms = []
        for kind, model_name in KINDS:
            model = apps.get_model("register", model_name)
            sources[kind] = {m.pk: m for m in model.objects.filter(partnership_id=partnership_id)}
            terms += [m.name for m in sources[kind].values() if not redaction.detect(m.name)]
        made = {}
        for kind, _ in KINDS:
            taken = set()
            for pk, source in sorted(sources[kind].items()):
                label = redaction.redact(source.name, chosen, terms)
                slug = base = slugify(MARKER.sub(" ", label))[:100].strip("-")
                number = 2
                while slug and slug in taken:
                    slug, number = f"{base}-{number}", number + 1
                taken.add(slug)
                aliases = [redaction.redact(a, chosen, terms) for a in source.aliases]
                made[(kind, pk)] = PublishedEntry(
                    partnership_id=partnership_id,
                    kind=kind,
                    source_id=pk,
                    name=label,
                    slug=slug,
                    aliases=[a for a in dict.fromkeys(aliases) if a != label],
                )
        PublishedEntry.objects.bulk_create(made.values(), batch_size=500)
        made = {
            (e.kind, e.source_id): e.pk
            for e in PublishedEntry.objects.filter(partnership_id=partnership_id)
        }
        used = set()
        for item in PublishedChallenge.objects.filter(partnership_id=partnership_id).iterator():
            ids = item.entry_ids or {}
            item.forum_id = made.get(("forum", ids.get("forum")))
            item.raised_by_id = made.get(("raiser", ids.get("raiser")))
            item.save(update_fields=["forum", "raised_by"])
            agencies = [made[("agency", pk)] for pk in ids.get("agency", []) if ("agency", pk) in made]
            item.agencies.set(agencies)
            used |= {item.forum_id, item.raised_by_id, *agencies}
        PublishedEntry.objects.filter(partnership_id=partnership_id).exclude(pk__in=used).delete()
    _checked(schema_editor)


def search_again(apps, schema_editor):
    """SQLite remakes a table to remove a column, and the remade table has none of the
    search's triggers: they are made again, and the index refilled from the rows."""
    if schema_editor.connection.vendor != "sqlite":
        return
    search = importlib.import_module("challengelog.publishing.migrations.0002_search")
    for name in ("insert", "update", "delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {search.T}_fts_{name}")
    for statement in search.SQLITE[1:]:
        schema_editor.execute(statement)
    schema_editor.execute(f"DELETE FROM {search.T}_fts")
    schema_editor.execute(
        f"INSERT INTO {search.T}_fts(rowid, body) SELECT id, "
        f"{search.DOC.replace('new.', '')} FROM {search.T}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("publishing", "0003_status_order"),
        ("register", "0010_search_statements"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("agency", "Agency"), ("forum", "Meeting or source"), ("raiser", "Raised by")], max_length=10)),
                ("source_id", models.PositiveBigIntegerField()),
                ("name", models.CharField(max_length=300)),
                ("slug", models.SlugField(blank=True, max_length=120)),
                ("aliases", models.JSONField(blank=True, default=list)),
                ("partnership", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="published_entries", to="register.partnership")),
            ],
            options={
                "ordering": ["name"],
                "constraints": [
                    models.UniqueConstraint(fields=("partnership", "kind", "source_id"), name="published_entry_source"),
                    models.UniqueConstraint(condition=models.Q(("slug", ""), _negated=True), fields=("partnership", "kind", "slug"), name="published_entry_slug"),
                ],
            },
        ),
        migrations.AddField(
            model_name="publishedchallenge",
            name="entry_ids",
            field=models.JSONField(default=dict, blank=True),
        ),
        migrations.RunPython(remember, migrations.RunPython.noop),
        migrations.RunSQL(
            "DROP INDEX IF EXISTS published_agency_challenge", migrations.RunSQL.noop
        ),
        migrations.RemoveField(model_name="publishedchallenge", name="agencies"),
        migrations.RemoveField(model_name="publishedchallenge", name="forum"),
        migrations.RemoveField(model_name="publishedchallenge", name="raised_by"),
        migrations.AddField(
            model_name="publishedchallenge",
            name="agencies",
            field=models.ManyToManyField(blank=True, limit_choices_to={"kind": "agency"}, related_name="agency_challenges", to="publishing.publishedentry"),
        ),
        migrations.AddField(
            model_name="publishedchallenge",
            name="forum",
            field=models.ForeignKey(blank=True, limit_choices_to={"kind": "forum"}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="forum_challenges", to="publishing.publishedentry"),
        ),
        migrations.AddField(
            model_name="publishedchallenge",
            name="raised_by",
            field=models.ForeignKey(blank=True, limit_choices_to={"kind": "raiser"}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="raiser_challenges", to="publishing.publishedentry"),
        ),
        migrations.RunPython(snapshot, migrations.RunPython.noop),
        migrations.RemoveField(model_name="publishedchallenge", name="entry_ids"),
        migrations.RunPython(search_again, migrations.RunPython.noop),
        # An agency filter reads the agency's challenges from this index alone (the link
        # table is Django's own, so the index is made in SQL).
        migrations.RunSQL(
            "CREATE INDEX published_agency_challenge ON publishing_publishedchallenge_agencies (publishedentry_id, publishedchallenge_id)",
            "DROP INDEX IF EXISTS published_agency_challenge",
        ),
        migrations.RunSQL("ANALYZE", migrations.RunSQL.noop),
    ]
