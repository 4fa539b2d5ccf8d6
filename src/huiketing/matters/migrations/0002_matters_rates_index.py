"""An index for the three rates, which read matters by the time they were raised (see bench/matters.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0001_matters_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(fields=["created_at", "id", "status", "place_code"], name="matters_rates"),
        ),
    ]
