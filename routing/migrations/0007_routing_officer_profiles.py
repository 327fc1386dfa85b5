"""Zone editing is decided by the role (``StaffProfile.role``), no longer by the
"routing_officer" group: staff who were in the group without a profile get the
routing officer role, so nobody loses access on upgrade.

Only staff members: a group member who was not staff could not edit zones before
and gains nothing here. Users who have a profile keep its role. The reverse leaves
the profiles (they may have been edited since).
"""

from django.db import migrations

# The group's name as migration 0002 made it (a migration keeps its own copy: the
# app's constants may change after it has run).
GROUP = "routing_officer"
ROLE = "routing_officer"


def profiles_create(apps, schema_editor):
    User = apps.get_model("auth", "User")
    StaffProfile = apps.get_model("routing", "StaffProfile")
    users = User.objects.filter(
        groups__name=GROUP, is_staff=True, staff_profile__isnull=True
    ).distinct()
    StaffProfile.objects.bulk_create(
        StaffProfile(user=user, role=ROLE) for user in users
    )


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0006_department_webhook_secret"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(profiles_create, migrations.RunPython.noop)]
