"""The simulated tablet users of the load test (bench/load.py starts locust with this file).

Three kinds of user, each signed in with a session of their own (made by bench/load.py, which
also lists the families each may see), each acting every 2–8 s:
- a triagist opens the triage queue, views a family of their team (and, as the browser does,
  the matching panel htmx loads into it), records an aanmelding;
- a youth professional opens their start page and a family's trajectory, uploads a photo of
  the A3 plan;
- a municipal analyst opens the dashboard for a year.
Every answer is checked: a page must answer 200, a saved form or photo 302 to where it leads
(a form shown again with a message counts as a failure).
"""

import html
import json
import os
import random
import re
import secrets
import uuid

from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"]).read())
URL = CONFIG["urls"]  # reversed by bench/load.py; "{}" stands for a public id
PHOTO = open(CONFIG["photo"], "rb").read()
THINK = between(2, 8)
PANEL = re.compile(r'<section class="card" id="matching-panel"[^>]*hx-get="([^"]+)"')


class SignedIn(HttpUser):
    abstract = True
    wait_time = THINK
    role = None

    def on_start(self):
        self.me = CONFIG["users"][self.role].pop()
        self.csrf = secrets.token_hex(16)  # a 32-character token: the cookie and the form's value
        # The session and CSRF cookies are Secure in production; locust speaks plain HTTP on
        # loopback, so they are sent as a header, as a browser behind TLS would send them.
        self.client.headers["Cookie"] = f"sessionid={self.me['session']}; csrftoken={self.csrf}"

    def page(self, url, name, headers=None):
        with self.client.get(url, name=name, headers=headers, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")
            return response.text

    def post(self, url, name, data, files=None, expect=302):
        data = {**data, "csrfmiddlewaretoken": self.csrf}
        with self.client.post(url, data=data, files=files, name=name, catch_response=True,
                              allow_redirects=False) as response:
            if response.status_code != expect:
                response.failure(f"answered {response.status_code}: {response.text[:200]}")


class Triagist(SignedIn):
    role = "triagist"
    fixed_count = len(CONFIG["users"]["triagist"])

    @task(5)
    def open_the_queue(self):
        self.page(URL["queue"], "triage queue")

    @task(4)
    def view_a_family(self):
        file = self.page(URL["family"].format(random.choice(self.me["families"])), "family file")
        # As the browser does: htmx loads the matching panel once the file is shown.
        panel = PANEL.search(file or "")
        if panel:
            self.page(html.unescape(panel.group(1)), "matching panel (htmx)", headers={"HX-Request": "true"})

    @task(2)
    def record_an_aanmelding(self):
        self.page(URL["new"], "new aanmelding (form)")
        year = int(CONFIG["year"])
        self.post(URL["new"], "new aanmelding (save)", {
            "submission_id": str(uuid.uuid4()),
            "channel": random.choice(["gp", "school", "self", "wijkteam"]),
            "family_label": f"Gezin Load {random.randrange(10**6)}",
            "phone": "06-1234 5678",
            "postcode": f"{random.randrange(1000, 9999)}AB",
            "house_number": str(random.randrange(1, 200)),
            "categories": random.sample(CONFIG["categories"], 2),
            "question": "Ouders maken zich zorgen over hun zoon.",
            "children-TOTAL_FORMS": "1",
            "children-INITIAL_FORMS": "0",
            "children-MIN_NUM_FORMS": "1",
            "children-MAX_NUM_FORMS": "12",
            "children-0-first_name": "Sam",
            "children-0-birth_year": str(year - random.randrange(2, 17)),
        })


class Professional(SignedIn):
    role = "professional"
    fixed_count = len(CONFIG["users"]["professional"])

    @task(3)
    def open_the_start_page(self):
        self.page(URL["mine"], "start page")

    @task(3)
    def view_a_trajectory(self):
        self.page(URL["trajectory"].format(random.choice(self.me["trajectories"])), "trajectory")

    @task(1)
    def upload_a_plan_photo(self):
        trajectory = random.choice(self.me["trajectories"])
        self.post(URL["upload"].format(trajectory), "A3 photo (upload)", {},
                  files={"camera": ("plan.jpg", PHOTO, "image/jpeg")})


class Analyst(SignedIn):
    role = "analyst"
    fixed_count = len(CONFIG["users"]["analyst"])

    @task
    def open_the_dashboard(self):
        self.page(URL["dashboard"], "dashboard, one year")
