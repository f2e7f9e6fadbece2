"""Heartbeats of task workers (``sonae.core.workers``): a worker that stops beating is dead on any machine."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_audit_lean'),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkerHeartbeat',
            fields=[
                ('worker_id', models.CharField(max_length=100, primary_key=True, serialize=False)),
                ('beat_at', models.DateTimeField(db_index=True)),
            ],
            options={
                'verbose_name': 'ワーカーの稼働確認',
                'verbose_name_plural': 'ワーカーの稼働確認',
            },
        ),
    ]
