"""Import administrative boundaries from GeoJSON, zipped Shapefile or GeoPackage.

One reusable module behind the ``boundaries_import`` command and the admin upload:
read and reproject (``sources``), map fields (``fields``), validate, repair and check
topology (``checks``), then write in one transaction (``loader``). Dry run unless
``commit=True``.
"""

from boundaries.importing.fields import FieldMap
from boundaries.importing.loader import (
    ImportRefused,
    ParentSpec,
    SetSpec,
    import_boundaries,
)
from boundaries.importing.report import ImportReport

__all__ = [
    "FieldMap",
    "ImportRefused",
    "ImportReport",
    "ParentSpec",
    "SetSpec",
    "import_boundaries",
]
