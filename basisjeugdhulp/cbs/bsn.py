"""The BSN, where an organisation collects it for the CBS delivery (issue 27; off by default).

Basis jeugdhulp is an *algemene voorziening* and asks no BSN (SECURITY.md). An organisation whose
municipality wants exact linking in CBS's Beleidsinformatie Jeugd turns CBS_BSN on; then:

- the number is checked with the elfproef (the 11-test every BSN passes) before it is kept;
- it is stored encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`), with
  keys from the environment (BSN_KEYS, newest first: MultiFernet encrypts with the first and
  decrypts with any, so a key is rotated by putting a new one first and running
  `manage.py rotate_bsn_key`, then dropping the old one);
- it is never put in a URL, a log line, a file name or the municipality's figures, and it is
  shown masked (`masked`); only the CBS extract holds it in full.
"""

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

UNKNOWN = "999999999"  # CBS: BSN unknown (protocol §2.2, version 7)
UNBORN = "000000000"


class InvalidBsn(ValueError):
    """The number typed is no BSN; the message says why, in Dutch."""


def clean(value):
    """The BSN as nine digits, or InvalidBsn with the reason (length, letters, elfproef).

    Spaces, dots and dashes are allowed while typing; an eight-digit number gets its leading
    zero, as on older documents."""
    digits = "".join(ch for ch in (value or "") if ch not in " .-")
    if not digits.isdigit():
        raise InvalidBsn(_("A BSN has only digits."))
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9:
        raise InvalidBsn(_("A BSN has nine digits."))
    if not passes_elfproef(digits):
        raise InvalidBsn(_("This is not a valid BSN (it fails the elfproef). Check the digits."))
    return digits


def passes_elfproef(digits):
    """9×d1 + 8×d2 + … + 2×d8 − 1×d9 is a multiple of 11 (and not 0: 000000000 is no BSN)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0 and digits != UNBORN


def _fernet():
    if not settings.BSN_KEYS:
        raise ImproperlyConfigured("CBS_BSN is on but BSN_KEYS is empty (docs/configuration.md).")
    return MultiFernet([Fernet(key) for key in settings.BSN_KEYS])


def encrypt(digits):
    return _fernet().encrypt(digits.encode("ascii")).decode("ascii")


def decrypt(token):
    """The nine digits, or "" for no token; a token no configured key opens is an error, never
    silently an unknown BSN."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise ImproperlyConfigured("A stored BSN cannot be decrypted with any key in BSN_KEYS.") from error


def rotate(token):
    """The same BSN under the newest key (MultiFernet.rotate)."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii") if token else token


def masked(digits):
    """What a screen shows: the last three digits only."""
    return "••••••" + digits[-3:] if digits else ""


def family_key(digits):
    """A keyed hash of the BSN for recognising a returning child exactly (intake/returning.py),
    with the same secret as the address keys (intake/family_keys.py)."""
    secret = settings.FAMILY_KEY_SECRET.encode()
    return hmac.new(secret, f"bsn|{digits}".encode(), hashlib.sha256).hexdigest()
