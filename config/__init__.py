"""Project configuration; the Celery app is loaded with Django (see config/celery.py)."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
