"""Real parallel requests for the race tests: each from its own thread, with its own test
client and its own database connection, released together by a barrier."""

import threading

from django.db import connection


def at_once(requests):
    """Send the requests from threads released together; their responses, in order."""
    start = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def send(index, call):
        try:
            start.wait(5)
            responses[index] = call()
        except Exception as error:  # a server error (e.g. the database refusing a second row)
            responses[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, call)) for i, call in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    errors = [r for r in responses if not hasattr(r, "status_code")]
    assert not errors, f"a request failed instead of answering: {errors}"
    return responses
