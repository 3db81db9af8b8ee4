"""Small configuration tables that many pages read, kept for a minute per process.

Closure days, the matching weights and the HBO/MBO fit table are set by the beheerder now and
then, hold nothing about a family or a professional, and are read on the pages opened most
(the queue, a start page, the matching panel). Reading them from the database each time costs
a query per page; kept here, a change made in this process counts at once (a save or delete
clears the copy) and one made in another worker within a minute.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

TIMEOUT = 60


def cached(key, load):
    """The value under key, loaded with load() when this process has no fresh copy."""
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, TIMEOUT)
    return value


def clear_on_change(key, *models):
    """Forget the copy under key whenever a row of one of the models is saved or deleted."""

    def clear(**kwargs):
        cache.delete(key)

    for model in models:
        post_save.connect(clear, sender=model, weak=False, dispatch_uid=f"config_cache:{key}:save:{model.__name__}")
        post_delete.connect(clear, sender=model, weak=False, dispatch_uid=f"config_cache:{key}:delete:{model.__name__}")
