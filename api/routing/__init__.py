"""Routing API: explain decisions, edit and publish responsibility zones."""
