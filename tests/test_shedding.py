"""Overload (issue 24): a request that waited in the proxy's queue past the budget gets the Dutch
"Het is nu erg druk" 503 at once; one within the budget, or without the header, is served."""

import time

from django.urls import reverse


def test_a_request_queued_past_the_budget_gets_the_dutch_busy_page(client, personas, settings):
    settings.QUEUE_BUDGET_MS = 250
    client.force_login(personas.triagist)
    queued = f"t={time.time() - 1.0:.3f}"  # as nginx writes it: received a second ago
    response = client.get(reverse("intake:queue"), headers={"X-Request-Start": queued})
    assert response.status_code == 503
    assert "Het is nu erg druk" in response.text
    assert response.headers["Retry-After"]


def test_a_request_within_the_budget_or_without_the_header_is_served(client, personas, settings):
    settings.QUEUE_BUDGET_MS = 5000  # wide: the test itself runs on a busy machine
    client.force_login(personas.triagist)
    just_now = f"t={time.time() - 0.5:.3f}"  # waited half a second: within this budget
    in_milliseconds = str(int((time.time() - 0.5) * 1000))
    assert client.get(reverse("intake:queue"), headers={"X-Request-Start": just_now}).status_code == 200
    assert client.get(reverse("intake:queue"), headers={"X-Request-Start": in_milliseconds}).status_code == 200
    assert client.get(reverse("intake:queue")).status_code == 200
