"""Recognising a returning family without a BSN.

Basis jeugdhulp is an *algemene voorziening*: no BSN. To see that a family comes back within a
year, each aanmelding stores one keyed hash per child: HMAC-SHA256 of the normalised postcode,
house number and the child's year of birth, with a secret that never leaves the settings. The
stored hash alone reveals nothing (the input space is small, so an unkeyed hash would be
reversible by trying every address); with the secret, the same family gives the same key.
Changing FAMILY_KEY_SECRET makes earlier families unrecognisable, so it is set once.
"""

import hashlib
import hmac
import re

from django.conf import settings

POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*$")
HOUSE_NUMBER = re.compile(r"^\s*([0-9]{1,5})\s*[-/ ]?\s*([A-Za-z0-9]{0,4})\s*$")
# PostNL never issues these letter pairs.
UNUSED_POSTCODE_LETTERS = {"SA", "SD", "SS"}


def normalise_postcode(value):
    """'1234ab' → '1234 AB'; None when it is not a Dutch postcode."""
    match = POSTCODE.match(value or "")
    if not match or match.group(2).upper() in UNUSED_POSTCODE_LETTERS:
        return None
    return f"{match.group(1)} {match.group(2).upper()}"


def normalise_house_number(value):
    """'12 A' / '12-a' → '12a'; '3-II' → '3ii'; None when it has no number."""
    match = HOUSE_NUMBER.match(value or "")
    if not match:
        return None
    return (match.group(1).lstrip("0") or "0") + match.group(2).lower()


def family_key(postcode, house_number, birth_year):
    message = f"{normalise_postcode(postcode)}|{normalise_house_number(house_number)}|{birth_year}"
    secret = settings.FAMILY_KEY_SECRET.encode()
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def family_keys(postcode, house_number, birth_years):
    return {family_key(postcode, house_number, year) for year in birth_years}
