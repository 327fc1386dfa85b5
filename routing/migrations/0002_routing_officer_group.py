"""The "routing_officer" group: staff in it may edit, preview and publish zones.

Permissions are normally created after all migrations (post_migrate); they are created
here first so the group can hold them on a fresh database.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "routing_officer"
PERMISSIONS = [
    ("routing", "add_responsibilityzone"),
    ("routing", "change_responsibilityzone"),
    ("routing", "delete_responsibilityzone"),
    ("routing", "view_responsibilityzone"),
    ("routing", "view_zonehistory"),
]


def group_create(apps, schema_editor):
    create_permissions(
        global_apps.get_app_config("routing"),
        apps=apps,
        verbosity=0,
        using=schema_editor.connection.alias,
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
        )


def group_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(group_create, group_delete)]
