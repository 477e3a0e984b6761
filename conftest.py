"""Shared fixtures: the seed log and an installation holding it; and `--today`, which moves
the clock of the whole run to another day, so a test that depends on the real date shows it."""

import datetime as dt
from importlib.resources import files
from pathlib import Path

import pytest

SEED_NAME = "southampton-lscb-challenge-log-2013-2017.txt"


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD",
        default=None,
        help="run the whole suite as if today were this day (the clock starts there at 09:00 "
        "London time and ticks on); tests that travel in time still travel from it",
    )


def _today(value: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"--today {value!r}: give a day as YYYY-MM-DD") from None
    return dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC)


def pytest_configure(config):
    value = config.getoption("--today")
    if value:
        import time_machine

        config._travel = time_machine.travel(_today(value), tick=True)
        config._travel.start()


def pytest_unconfigure(config):
    travel = getattr(config, "_travel", None)
    if travel is not None:
        travel.stop()


def pytest_report_header(config):
    value = config.getoption("--today")
    return f"today is taken to be {value}" if value else None


@pytest.fixture(autouse=True)
def _var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no kept public pages (a database rolled back can give a new
    publication the id and time of an old one)."""
    from django.core.cache import cache

    from challengelog.publishing.latest import forget_publications

    cache.clear()
    forget_publications()


@pytest.fixture(scope="session")
def seed_bytes() -> bytes:
    return files("challengelog.demo").joinpath(SEED_NAME).read_bytes()


@pytest.fixture(scope="session")
def seed_rows(seed_bytes) -> list[list[str]]:
    """The seed's data rows, cells as written: the file itself, read the simplest way."""
    lines = [line for line in seed_bytes.decode("utf-8").split("\n") if "\t" in line]
    return [line.rstrip("\r").split("\t") for line in lines[1:]]


@pytest.fixture
def seed_path(tmp_path, seed_bytes) -> Path:
    path = tmp_path / SEED_NAME
    path.write_bytes(seed_bytes)
    return path


@pytest.fixture
def seeded(db, seed_path):
    from challengelog.importing.services import import_file

    report = import_file(
        path=seed_path, partnership="southampton", partnership_name="Southampton LSCB"
    )
    assert report.ok, report.problems
    return report


@pytest.fixture(autouse=True)
def _password_only(settings):
    """People sign in with a password only, except in tests/workspace/test_two_factor.py and
    the browser test of it, which turn the code from an app back on for chairs and
    administrators (as a real installation has it)."""
    settings.TWO_FACTOR_ROLES = []


@pytest.fixture(autouse=True)
def _fast_passwords(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def published(seeded):
    """The seed log imported and published in one step, as a board does with a log it has
    published before."""
    from challengelog.publishing.services import publish
    from challengelog.register.models import Partnership

    return publish(partnership=Partnership.objects.get(slug="southampton"), label="test")
