"""Running work in threads that start at the same instant, for race tests on PostgreSQL."""

import threading

from django.db import connection


def run_together(count, work, *, timeout=120):
    """Start ``count`` threads at the same instant; return their results and errors.

    Results come in the order the threads finished, not by index.
    """
    barrier = threading.Barrier(count)
    lock = threading.Lock()
    results, errors = [], []

    def target(i):
        try:
            barrier.wait()
            result = work(i)
            with lock:
                results.append(result)
        except Exception as error:
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running"
    return results, errors
