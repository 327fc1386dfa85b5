"""Layers and priority on boundary sets, areas on lookup pieces, and a numeric-aware
collation for codes: the ambiguity rule of ``boundaries.sql.covering_order``.

Units' areas become geodesic (``geo.topology.area_m2`` now measures on the
ellipsoid; PostGIS's geography area agrees with it to well under a square metre per
square kilometre), so that the smaller of two overlapping units is told right
wherever they lie; pieces take their unit's area. Codes "15" and "124" then sort 15
before 124 (ICU's numeric ordering), which leaves Vietnam's equal-length GSO codes in
the order they had.
"""

import boundaries.layers
import django.contrib.postgres.constraints
from django.contrib.postgres.operations import CreateCollation
from django.db import migrations, models

UNIT_AREAS = """
    UPDATE boundaries_adminunit SET area_m2 = round(ST_Area(geom::geography)::numeric, 1)
"""
PIECE_AREAS = """
    UPDATE boundaries_adminunitpart p SET area_m2 = u.area_m2
    FROM boundaries_adminunit u WHERE u.id = p.unit_id
"""


class Migration(migrations.Migration):

    dependencies = [
        ('boundaries', '0005_jurisdictions'),
    ]

    operations = [
        CreateCollation(
            "numeric_code", provider="icu", locale="und-u-kn-true"
        ),
        migrations.AlterModelOptions(
            name='boundaryset',
            options={'ordering': ['jurisdiction_code', 'layer', 'valid_from']},
        ),
        migrations.RemoveConstraint(
            model_name='boundaryset',
            name='boundaryset_active_no_overlap',
        ),
        migrations.AddField(
            model_name='adminunitpart',
            name='area_m2',
            field=models.FloatField(default=0),
            preserve_default=False,
        ),
        migrations.RunSQL(UNIT_AREAS, migrations.RunSQL.noop),
        migrations.RunSQL(PIECE_AREAS, migrations.RunSQL.noop),
        migrations.AddField(
            model_name='boundaryset',
            name='layer',
            field=models.CharField(default='administrative', help_text='administrative, or another map of the jurisdiction (e.g. council_district).', max_length=40, validators=[boundaries.layers.validate_layer]),
        ),
        migrations.AddField(
            model_name='boundaryset',
            name='priority',
            field=models.SmallIntegerField(default=0, help_text='Among units of one layer covering a point, a higher priority wins.'),
        ),
        migrations.AddConstraint(
            model_name='boundaryset',
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(condition=models.Q(('status', 'active')), expressions=[('jurisdiction_code', '='), ('layer', '='), (models.Func(models.F('valid_from'), models.F('valid_to'), models.Value('[]'), function='daterange'), '&&')], name='boundaryset_active_no_overlap', violation_error_message='Another active boundary set of this jurisdiction and layer overlaps these dates.'),
        ),
    ]
