"""The test process as the worker: take the tasks the code under test published from
the test broker (a real one: Redis db 14 or the filesystem broker) and run them here.

Messages go through the broker as a worker would get them, serialised as JSON;
only the process differs (the test's, so the tasks see the test's transaction).
Messages with an ETA run at once: every task re-checks that its row is due.
"""

import contextlib
from queue import Empty

from icsat.celery import app


def purge_queued_tasks() -> None:
    with contextlib.suppress(Exception):  # no broker: the test that needs one fails itself
        app.control.purge()


def run_queued_tasks(*, limit: int = 1000) -> list[str]:
    """Run every queued task, and those they queue, until none is left; returns their names."""
    ran: list[str] = []
    app.loader.import_default_modules()  # the apps' tasks modules, as a worker loads them
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(app.conf.task_default_queue)
        try:
            while len(ran) < limit:
                try:
                    message = queue.get(block=False)
                except Empty:
                    break
                args, kwargs, _embed = message.decode()
                name = message.headers["task"]
                message.ack()
                app.tasks[name](*args, **kwargs)
                ran.append(name)
        finally:
            queue.close()
    return ran
