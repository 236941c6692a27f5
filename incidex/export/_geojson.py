"""GeoJSON (RFC 7946): a FeatureCollection of Point features, written feature by feature.

Coordinates are [longitude, latitude] in WGS 84, as RFC 7946 requires; incidents without
coordinates (or with impossible ones) are skipped and counted. Properties are the summary
fields, lists joined with "; " so that GIS attribute tables (QGIS, ArcGIS) show plain text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import IO, Any

from ..model import Incident
from ._common import ExportSummary

__all__ = ["write_geojson"]


def _properties(incident: Incident) -> dict[str, Any]:
    props: dict[str, Any] = incident.summary.model_dump(mode="json")
    for key, value in props.items():
        if isinstance(value, list):
            props[key] = "; ".join(str(v) for v in value)
    props["sources"] = "; ".join(a.url for a in incident.articles if a.url)
    return props


def _point(lat: float | None, lon: float | None) -> list[float] | None:
    if lat is None or lon is None:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return [round(lon, 6), round(lat, 6)]


def write_geojson(incidents: Iterator[Incident], out: IO[str], summary: ExportSummary) -> None:
    out.write('{"type": "FeatureCollection", "features": [\n')
    first = True
    for incident in incidents:
        s = incident.summary
        point = _point(s.latitude, s.longitude)
        if point is None:
            summary.skipped += 1
            continue
        feature = {
            "type": "Feature",
            "id": s.id,
            "geometry": {"type": "Point", "coordinates": point},
            "properties": _properties(incident),
        }
        if not first:
            out.write(",\n")
        out.write(json.dumps(feature, ensure_ascii=False, allow_nan=False))
        first = False
        summary.incidents += 1
    out.write("\n]}\n")
    if summary.skipped:
        summary.notes.append(f"{summary.skipped} incident(s) without coordinates were skipped.")
