from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_working_calendar_and_notifications'),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkerHeartbeat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('worker_id', models.CharField(max_length=64, unique=True, verbose_name='worker id')),
                ('host', models.CharField(max_length=255, verbose_name='host')),
                ('pid', models.PositiveIntegerField(verbose_name='process id')),
                ('started_at', models.DateTimeField(verbose_name='started at')),
                ('last_seen', models.DateTimeField(db_index=True, verbose_name='last seen')),
            ],
            options={
                'verbose_name': 'worker heartbeat',
                'verbose_name_plural': 'worker heartbeats',
                'ordering': ['-last_seen'],
            },
        ),
    ]
