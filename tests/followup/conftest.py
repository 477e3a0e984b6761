import datetime as dt

import pytest

from challengelog.register.models import Agency, Forum, Partnership, Raiser
from tests.workspace.conftest import as_user, people  # noqa: F401  (shared fixtures)

LONDON = dt.timezone(dt.timedelta(hours=1))  # British Summer Time, for May and June dates


@pytest.fixture
def partnership(seeded):
    return Partnership.objects.get(slug="southampton")


@pytest.fixture
def raise_one(partnership, people):  # noqa: F811
    """Raise a challenge through the service, to Children and Families Service (whose lead is
    `people["lead"]`), with the given actions."""
    from challengelog.register import services

    def make(date_raised, actions=(), forum="Executive", **extra):
        return services.raise_challenge(
            partnership=partnership,
            user=people["chair"],
            date_raised=date_raised,
            forum=Forum.objects.get(partnership=partnership, name=forum),
            raised_by=Raiser.objects.filter(partnership=partnership).first(),
            agencies=[Agency.objects.get(slug="children-and-families-service")],
            to_all_partners=False,
            text=extra.get("text", "How are supervision orders monitored across agencies?"),
            risk="yes",
            actions=list(actions),
        )

    return make
