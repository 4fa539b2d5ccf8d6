"""The production settings, with static files hashed but not compressed: used once per `make faults` run to
collect the static files the servers under test read through their own (compressing) storage.

Compressing every static file with gzip and Brotli takes minutes on two cores, and is not what is tested.
"""

from huiketing.settings import *  # noqa: F403
from huiketing.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
