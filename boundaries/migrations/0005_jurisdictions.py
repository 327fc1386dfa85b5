"""Jurisdictions as records, one for each code already in use."""

import boundaries.jurisdictions
import django.contrib.gis.db.models.fields
from django.db import migrations, models

# The GSO code the pilot's rows carry by default (Quảng Bình, kept by the 2025
# merger into Quảng Trị), and the labels of Vietnam's levels (boundaries.levels).
PILOT_CODE = "44"
PILOT_NAME = "Tỉnh Quảng Bình (từ 01/07/2025: Quảng Trị)"
VIETNAM_LEVELS = ["province", "district", "ward", "commune", "town", "special_zone"]


def jurisdictions_create(apps, schema_editor):
    """A record for every jurisdiction code already in use: the pilot's, and those
    of the boundary sets (each Vietnamese: only GSO codes were used so far)."""
    Jurisdiction = apps.get_model("boundaries", "Jurisdiction")
    BoundarySet = apps.get_model("boundaries", "BoundarySet")
    names = {PILOT_CODE: PILOT_NAME}
    for code, name in BoundarySet.objects.order_by("valid_from").values_list(
        "jurisdiction_code", "name"
    ):
        names.setdefault(code, f"Mã {code} ({name})"[:200])
    for code, name in names.items():
        Jurisdiction.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "country": "VN",
                "time_zone": "Asia/Ho_Chi_Minh",
                "level_labels": VIETNAM_LEVELS,
            },
        )


class Migration(migrations.Migration):

    dependencies = [
        ('boundaries', '0004_places'),
    ]

    operations = [
        migrations.CreateModel(
            name='Jurisdiction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=10, unique=True)),
                ('name', models.CharField(max_length=200)),
                ('country', models.CharField(help_text='ISO 3166-1 alpha-2.', max_length=2, validators=[boundaries.jurisdictions.validate_country])),
                ('time_zone', models.CharField(default='Asia/Ho_Chi_Minh', max_length=64, validators=[boundaries.jurisdictions.validate_time_zone])),
                ('level_labels', models.JSONField(blank=True, default=list, help_text='Labels of its levels, e.g. ward, commune.')),
                ('extent', django.contrib.gis.db.models.fields.PolygonField(blank=True, help_text="Where its files are expected; empty: from its first set (Vietnam's box for a Vietnamese jurisdiction).", null=True, srid=4326)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['code'],
                'constraints': [models.CheckConstraint(condition=models.Q(('country__regex', '^[A-Z]{2}$')), name='jurisdiction_country_alpha2')],
            },
        ),
        migrations.RunPython(jurisdictions_create, migrations.RunPython.noop),
    ]
