"""Create the database cache table used for rate limits when no Redis is configured."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_append_only_triggers")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
