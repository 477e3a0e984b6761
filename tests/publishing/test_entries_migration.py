"""The move of a published copy to entries of its own (publishing 0004): a log published
before it keeps its agencies, meeting and raiser, under labels and slugs made from the
redacted names, and its search still finds it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("publishing", "0003_status_order"), ("register", "0010_search_statements")]
AFTER = [("publishing", "0004_published_entries")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_log_published_before_keeps_its_names_under_redacted_labels():
    try:
        apps = _migrate(BEFORE)
        Partnership = apps.get_model("register", "Partnership")
        Agency = apps.get_model("register", "Agency")
        Forum = apps.get_model("register", "Forum")
        Raiser = apps.get_model("register", "Raiser")
        Publication = apps.get_model("publishing", "Publication")
        PublishedChallenge = apps.get_model("publishing", "PublishedChallenge")
        board = Partnership.objects.create(name="Wexcombe", slug="wexcombe")
        police = Agency.objects.create(partnership=board, name="Marsh Vale Police", slug="police")
        Agency.objects.create(partnership=board, name="Kestrel Care", slug="kestrel")
        forum = Forum.objects.create(partnership=board, name="Board", slug="board")
        raiser = Raiser.objects.create(
            partnership=board, name="Dr Priya Ramanathan", slug="dr-priya-ramanathan"
        )
        publication = Publication.objects.create(partnership=board)
        item = PublishedChallenge.objects.create(
            partnership=board,
            publication=publication,
            reference="1",
            text="Zebracanary thresholds",
            risk="yes",
            status="open",
            forum=forum,
            raised_by=raiser,
        )
        item.agencies.add(police)

        apps = _migrate(AFTER)
        PublishedChallenge = apps.get_model("publishing", "PublishedChallenge")
        PublishedEntry = apps.get_model("publishing", "PublishedEntry")
        item = PublishedChallenge.objects.get(reference="1")
        assert (item.forum.name, item.forum.slug, item.forum.kind) == ("Board", "board", "forum")
        assert [(a.name, a.slug) for a in item.agencies.all()] == [
            ("Marsh Vale Police", "marsh-vale-police")
        ]
        # The raiser's name is a person's: redacted, and no page of its own.
        assert (item.raised_by.name, item.raised_by.slug) == ("[name removed]", "")
        # Entries no published challenge names are not made.
        assert not PublishedEntry.objects.filter(name="Kestrel Care").exists()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT rowid FROM publishing_publishedchallenge_fts "
                    "WHERE publishing_publishedchallenge_fts MATCH 'zebracanary'"
                )
                assert [row[0] for row in cursor.fetchall()] == [item.pk]
                # The search's triggers were made again after the table was remade.
                PublishedChallenge.objects.filter(pk=item.pk).update(text="Okapi")
                cursor.execute(
                    "SELECT count(*) FROM publishing_publishedchallenge_fts "
                    "WHERE publishing_publishedchallenge_fts MATCH 'okapi'"
                )
                assert cursor.fetchone()[0] == 1
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
