"""A fictional city for the demo: WIJ-teams in its districts and the staff who work there.

Names are made up from common Dutch first and last names; any likeness to a real person is
chance. The same seed always gives the same city, so the demo is the same on every machine.
"""

import random

TEAMS = (
    ("WIJ Centrum", "Binnenstad en Schildersbuurt"),
    ("WIJ Oosterpark", "Oosterparkwijk en De Hoogte"),
    ("WIJ Vinkhuizen", "Vinkhuizen en Paddepoel"),
    ("WIJ Selwerd", "Selwerd en Tuinwijk"),
    ("WIJ Lewenborg", "Lewenborg, Noorddijk en Ulgersmaborg"),
    ("WIJ Beijum", "Beijum en De Hunze"),
    ("WIJ Hoogkerk", "Hoogkerk, Leegkerk en Dorkwerd"),
    ("WIJ Zuid", "Helpman, De Wijert en Corpus den Hoorn"),
)

PROFESSIONALS_PER_TEAM = 10

FIRST_NAMES = (
    "Anouk", "Bram", "Daan", "Emma", "Fatima", "Gijs", "Hanna", "Iris", "Jesse", "Kim",
    "Lotte", "Mohamed", "Noor", "Olaf", "Priya", "Quinten", "Romy", "Sanne", "Tim", "Yara",
    "Ayoub", "Bo", "Chantal", "Dewi", "Esra", "Femke", "Gerrit", "Hatice", "Ilse", "Jeroen",
)
LAST_NAMES = (
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos",
    "Vos", "Dijkstra", "Hoekstra", "El Amrani", "Yilmaz", "Postma", "Kuipers", "Wiersma",
    "Veenstra", "Hofman", "Koster", "Brouwer", "Zijlstra", "Kramer", "Bouma",
)

# The people a visitor logs in as, one per role: (username, first name, last name, role,
# education if they work in a team). They all work in the first team.
DEMO_PASSWORD = "demo-register"
LOGINS = (
    ("triagist", "Tara", "Triage", "triagist", "hbo"),
    ("professional", "Pim", "Praktijk", "jeugdprofessional", "mbo"),
    ("tweedelezer", "Tineke", "Terlouw", "tweede lezer", "hbo"),
    ("gemeente", "Geert", "Gemeentehuis", "gemeente", None),
    ("beheerder", "Bea", "Beheer", "beheerder", None),
)


SECOND_LANGUAGES = ("en", "ar", "tr", "ber", "pl", "so", "ti", "fa", "uk", "de", "pap")
EXPERTISE = (
    "opvoeding", "scheiding", "gedrag", "autisme", "psychisch", "school", "ontwikkeling",
    "sociaal", "rouw", "thuissituatie", "lvb", "trauma", "multiprobleem",
)


def staff(seed=2026):
    """Yield (team name, username, first name, last name, education, profile) per professional.

    Half HBO, half MBO in every team, as the source's teams are mixed on purpose. The profile
    holds what matching uses: languages, expertise, capacity.
    """
    rng = random.Random(seed)
    used = set()
    for team_name, _district in TEAMS:
        for index in range(PROFESSIONALS_PER_TEAM):
            while True:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                if (first, last) not in used:
                    used.add((first, last))
                    break
            username = "demo." + f"{first}.{last}".lower().replace(" ", "")
            languages = ["nl"] + ([rng.choice(SECOND_LANGUAGES)] if rng.random() < 0.6 else [])
            profile = {
                "languages": languages,
                "expertise": sorted(rng.sample(EXPERTISE, rng.randint(2, 4))),
                "capacity": rng.choice((6, 8, 8, 10)),
            }
            yield team_name, username, first, last, "hbo" if index % 2 == 0 else "mbo", profile
