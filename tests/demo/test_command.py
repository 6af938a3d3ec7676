"""`manage.py load_demo_data` on an empty database (the other modules share loaded data)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_summary_with_the_demo_accounts(capsys):
    call_command("load_demo_data", organisations=5, force=True)
    output = capsys.readouterr().out
    assert "Organisations: 5 (5 new)" in output
    assert "admin / admin" in output


def test_the_command_refuses_to_create_demo_accounts_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=true"):
        call_command("load_demo_data", organisations=5)
    assert not get_user_model().objects.filter(username="admin").exists()
