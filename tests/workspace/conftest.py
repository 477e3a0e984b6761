import pytest

from challengelog.accounts.models import Membership, User
from challengelog.register.models import Agency, Partnership

ROLES = ["admin", "chair", "member", "lead", "other_lead"]


@pytest.fixture
def people(seeded):
    """One person per role in the Southampton partnership; the leads answer for Children and
    Families Service and for Barnardos."""
    partnership = Partnership.objects.get(slug="southampton")
    out = {}
    for name, role in [
        ("admin", "administrator"),
        ("chair", "chair"),
        ("member", "member"),
        ("lead", "agency_lead"),
        ("other_lead", "agency_lead"),
    ]:
        user = User.objects.create_user(email=f"{name}@example.org", password="x" * 14)
        membership = Membership.objects.create(user=user, partnership=partnership, role=role)
        if name == "lead":
            membership.agencies.add(Agency.objects.get(slug="children-and-families-service"))
        if name == "other_lead":
            membership.agencies.add(Agency.objects.get(slug="barnardos"))
        out[name] = user
    return out


@pytest.fixture
def as_user(client, people):
    def login(name):
        client.logout()
        if name != "anonymous":
            client.force_login(people[name])
        return client

    return login
