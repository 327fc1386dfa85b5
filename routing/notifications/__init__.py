"""Notifications through the outbox: written with the change, delivered by Celery."""
