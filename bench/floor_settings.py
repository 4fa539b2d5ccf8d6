"""Settings of the benchmark's floor: the application's own settings, with a URL configuration that adds one
minimal view in front of the application's URLs.

    PYTHONPATH=bench DJANGO_SETTINGS_MODULE=floor_settings .venv/bin/huiketing serve --no-collectstatic

Same middleware, database, cache, sessions and gunicorn as the application, so that the floor measures what
the stack costs before any of our code runs. Never used outside bench/.
"""

from huiketing.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
