from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    """Every model change has its migration (makemigrations --check finds nothing)."""
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
