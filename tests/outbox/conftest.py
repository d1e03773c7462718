import pytest

from tests.queue import purge_queued_tasks


@pytest.fixture(autouse=True)
def _empty_queue():
    """Each outbox test starts and ends with nothing on the test broker."""
    purge_queued_tasks()
    yield
    purge_queued_tasks()
