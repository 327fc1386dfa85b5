"""Read a boundary file into a GeoDataFrame in EPSG:4326, whatever its format and CRS."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pyogrio
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.errors import GeoInputError
from geo.projections import WGS84

SUFFIXES = {".geojson", ".json", ".zip", ".gpkg", ".shp"}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _gdal_path(path: Path) -> str:
    # A zipped Shapefile is read in place through GDAL's virtual zip file system.
    if path.suffix.lower() != ".zip":
        return str(path)
    inside = f"/vsizip/{path}"
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return inside  # GDAL says what is wrong with it
    # GDAL only looks at the archive's top level, but a zipped folder keeps its
    # Shapefile one level down (macOS adds __MACOSX/ copies: ignore those).
    folders = {
        PurePosixPath(name).parent
        for name in names
        if name.lower().endswith(".shp")
        and not name.startswith("__MACOSX/")
        and not PurePosixPath(name).name.startswith("._")
    }
    if len(folders) == 1 and (folder := folders.pop()) != PurePosixPath("."):
        return f"{inside}/{folder}"
    return inside


def _pick_layer(source: str, layer: str | None) -> str | None:
    # Only layers with geometry: a GeoPackage saved by QGIS may also hold attribute
    # tables such as layer_styles.
    layers = [
        str(name) for name, kind in pyogrio.list_layers(source) if kind is not None
    ]
    if layer is not None:
        if layer not in layers:
            raise _error(
                "unknown_layer",
                f"Không có lớp '{layer}' trong tệp; các lớp có: {', '.join(layers)}.",
                f"No layer '{layer}' in the file; it has: {', '.join(layers)}.",
            )
        return layer
    if len(layers) > 1:
        raise _error(
            "several_layers",
            f"Tệp có nhiều lớp ({', '.join(layers)}): hãy chọn một lớp.",
            f"The file has several layers ({', '.join(layers)}): choose one.",
        )
    return layers[0] if layers else None


def _error(code: str, vi: str, en: str) -> GeoInputError:
    return GeoInputError(code, vi, en, "file")


def read_frame(
    path: Path, *, layer: str | None = None, source_crs: str | None = None
) -> tuple[gpd.GeoDataFrame, str]:
    """Read ``path`` and return (frame in EPSG:4326, the source CRS as 'EPSG:nnnn')."""
    if path.suffix.lower() not in SUFFIXES:
        raise _error(
            "unsupported_format",
            f"Định dạng '{path.suffix}' không được hỗ trợ; dùng GeoJSON, Shapefile nén "
            "(.zip) hoặc GeoPackage (.gpkg).",
            f"Unsupported format '{path.suffix}'; use GeoJSON, a zipped Shapefile (.zip) "
            "or a GeoPackage (.gpkg).",
        )
    source = _gdal_path(path)
    try:
        chosen = _pick_layer(source, layer)
        frame = gpd.read_file(source, layer=chosen, engine="pyogrio")
    except GeoInputError:
        raise
    except Exception as exc:  # GDAL raises many types for a broken file
        first = (
            str(exc).strip().splitlines()[0][:200]
            if str(exc).strip()
            else type(exc).__name__
        )
        raise _error(
            "unreadable",
            f"Không đọc được tệp: {first}",
            f"The file cannot be read: {first}",
        ) from exc
    if frame.empty:
        raise _error(
            "no_features", "Tệp không có đối tượng nào.", "The file has no features."
        )

    if source_crs:
        try:
            crs = CRS.from_user_input(source_crs)
        except CRSError as exc:
            raise _error(
                "bad_crs",
                f"Hệ tọa độ '{source_crs}' không hợp lệ.",
                f"'{source_crs}' is not a coordinate reference system.",
            ) from exc
        frame = frame.set_crs(crs, allow_override=True)
    elif frame.crs is None:
        if path.suffix.lower() in {".geojson", ".json"}:
            frame = frame.set_crs(WGS84)  # RFC 7946: GeoJSON is WGS 84 unless it says
        else:
            min_x, min_y, max_x, max_y = frame.total_bounds
            span = f"x {min_x:.0f}…{max_x:.0f}, y {min_y:.0f}…{max_y:.0f}"
            raise _error(
                "no_crs",
                "Tệp không khai báo hệ tọa độ (Shapefile thiếu tệp .prj?); tọa độ "
                f"trong khoảng {span}. Hãy chỉ rõ mã EPSG, ví dụ EPSG:9211 (VN-2000 "
                "TM-3 Quảng Bình) hoặc hệ lưới địa phương của tệp.",
                "The file declares no CRS (a Shapefile without its .prj?); its "
                f"coordinates span {span}. Name its EPSG code, e.g. EPSG:9211 "
                "(VN-2000 TM-3 Quảng Bình) or the file's local grid.",
            )
    crs_name = frame.crs.to_string()
    _check_geographic_range(frame)
    # Where the data should lie is the jurisdiction's business: importing.checks.
    frame = frame.to_crs(WGS84)
    return frame, crs_name


def _check_geographic_range(frame: gpd.GeoDataFrame) -> None:
    if not frame.crs.is_geographic:
        return
    min_x, min_y, max_x, max_y = frame.total_bounds
    if min(min_x, min_y) < -180 or max(max_x, max_y) > 180:
        raise _error(
            "projected_as_geographic",
            f"Tọa độ (ví dụ x={max_x:.0f}) là mét hoặc feet chứ không phải độ: tệp "
            "có lẽ ở một hệ phẳng (VN-2000 TM-3 EPSG:9211/9212, hoặc lưới địa phương) "
            "mà không khai báo; hãy chỉ rõ hệ tọa độ.",
            f"Coordinates (e.g. x={max_x:.0f}) are metres or feet, not degrees: the "
            "file is probably in a projected CRS (VN-2000 TM-3, EPSG:9211/9212, or a "
            "local grid) without saying so; name its CRS.",
        )
