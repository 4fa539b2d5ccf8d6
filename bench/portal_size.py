"""The portal page's transfer size on a first visit: the page and everything it loads, compressed.

Usage:
    .venv/bin/python bench/portal_size.py                  # the city's portal, in every language
    .venv/bin/python bench/portal_size.py --path /portal/654301001001/

Loads the Altay demo into a temporary data directory (SQLite), asks for the page through Django's test
client as an anonymous first-time visitor (no cookies, nothing cached), then for every stylesheet, script,
image and icon the page links to (from `<link href>`, `<script src>` and `<img src>`), and compresses each
with gzip at level 6, as a reverse proxy or whitenoise's pre-compressed files would serve it. Prints each
resource and the total; the target is under 60 KB compressed. Exits 1 if it is over."""

import argparse
import gzip
import os
import re
import sys
import tempfile

os.environ.setdefault("HUIKETING_DATA_DIR", tempfile.mkdtemp(prefix="huiketing-bench-portal-"))
os.environ.setdefault("HUIKETING_DEMO", "1")
os.environ.setdefault("HUIKETING_HTTPS", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")

TARGET = 60 * 1024
RESOURCE = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", default="/portal/")
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("demo_seed", verbosity=0)
    worst = 0
    for language in ("zh-hans", "ug", "kk", "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        response = client.get(options.path)
        if response.status_code != 200:
            print(f"{options.path} answered {response.status_code}", file=sys.stderr)
            return 2
        page = response.content
        rows = [(options.path, len(page), len(gzip.compress(page, 6)))]
        for url in dict.fromkeys(RESOURCE.findall(page.decode())):
            if not url.startswith(settings.STATIC_URL):
                continue  # links to other pages are not loaded with this one
            found = os.path.join(settings.STATIC_ROOT, url[len(settings.STATIC_URL) :])
            if not os.path.exists(found):
                print(f"{url}: not found", file=sys.stderr)
                return 2
            with open(found, "rb") as handle:
                body = handle.read()
            rows.append((url, len(body), len(gzip.compress(body, 6))))
        total = sum(row[2] for row in rows)
        worst = max(worst, total)
        print(f"{language}:")
        for url, raw, packed in rows:
            print(f"  {url:<48} {raw:>8,} B   gzip {packed:>7,} B")
        print(f"  {'total':<48} {sum(r[1] for r in rows):>8,} B   gzip {total:>7,} B")
    print(f"largest first visit: {worst:,} B compressed (target {TARGET:,} B)")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
