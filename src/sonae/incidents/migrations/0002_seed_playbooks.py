"""Seed the response playbooks from playbooks.yaml (existing templates are kept as edited in the admin)."""

from django.db import migrations


def seed(apps, schema_editor):
    from sonae.incidents.playbook_data import load_playbooks

    load_playbooks(apps.get_model("incidents", "PlaybookTemplate"), apps.get_model("incidents", "PlaybookStep"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
