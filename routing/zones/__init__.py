"""Responsibility-zone editing: drafts, topology checks, impact preview, publishing."""
