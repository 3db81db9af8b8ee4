"""A BSN that cannot be kept safely is not collected: CBS_BSN without a usable key stops start-up."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def bsn_keys(app_configs=None, **kwargs):
    if not settings.CBS_BSN:
        return []
    problems = []
    if not settings.BSN_KEYS:
        problems.append("BSN_KEYS is empty")
    for index, key in enumerate(settings.BSN_KEYS):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(f"key {index + 1} of BSN_KEYS is not a Fernet key")
    return [checks.Error(
        f"CBS_BSN is on, but {problem}.",
        hint="Make a key with `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'` (docs/configuration.md).",
        id="basisjeugdhulp.E301",
    ) for problem in problems]
