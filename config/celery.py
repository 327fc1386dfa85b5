"""The Celery app: background delivery of notifications, SLA escalation, bulk jobs.

Workers and beat run on Redis (REDIS_URL). Nothing depends on Redis being up when a
report is written: notifications are outbox rows in PostgreSQL, and the periodic sweep
delivers whatever is pending once the broker and a worker are back.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("hientruong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Autodiscovery imports each app's tasks.py; the outbox tasks live one package down.
app.autodiscover_tasks(["routing.notifications"])
