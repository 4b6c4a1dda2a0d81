import pytest

from tests.linkage.test_db_scoring import BACKGROUND, person


@pytest.fixture
def known(world, settings):
    """Ten people already known, referred without scoring; scoring on for what follows."""
    settings.PALERMO_LINK_ON_REFERRAL = False
    for given, family, dob, nat in BACKGROUND:
        world.refer(person=person(given, family, dob, nat))
    settings.PALERMO_LINK_ON_REFERRAL = True
    return world


@pytest.fixture
def database_backend(settings):
    """Tasks queued in the database, as in production (run here by the worker, in-process)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.PALERMO_TASKS_BACKEND = "database"


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    settings.PALERMO_JOB_FILES_DIR = tmp_path / "jobs"
