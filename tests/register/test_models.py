import pytest
from django.core.exceptions import ValidationError

from challengelog.register.models import Challenge, Partnership, reference_sort_key


@pytest.mark.parametrize("slug", ["admin", "log", "api", "static"])
def test_slugs_that_clash_with_the_products_paths_are_refused(db, slug):
    with pytest.raises(ValidationError, match="used by the product itself"):
        Partnership(name="X", slug=slug).full_clean()


def test_references_sort_by_their_number():
    assert [reference_sort_key(r) for r in ["148", "CL-007", "x", ""]] == [148, 7, 0, 0]


def test_resolved_is_derived_from_status(db):
    partnership = Partnership.objects.create(name="P", slug="p")
    challenge = Challenge.objects.create(partnership=partnership, reference="1", text="t")
    assert challenge.resolved is False
    assert challenge.risk_flag is None
    challenge.status = Challenge.Status.ASSURED
    assert challenge.resolved is True
    challenge.status = Challenge.Status.WITHDRAWN
    assert challenge.resolved is False


@pytest.mark.parametrize(
    ("existing", "expected"),
    [([], "1"), (["1", "148", "9"], "149"), (["CL-008", "CL-009"], "CL-010")],
)
def test_a_new_challenge_takes_the_next_number(db, existing, expected):
    from challengelog.register.services import next_reference

    partnership = Partnership.objects.create(name="P", slug="p")
    for reference in existing:
        Challenge.objects.create(partnership=partnership, reference=reference, text="t")
    assert next_reference(partnership) == expected


def test_the_seed_continues_at_149(seeded):
    from challengelog.register.services import next_reference

    assert next_reference(Partnership.objects.get()) == "149"
