"""Build the optional `open_ceda` pack: one spend-based dataset per (country, sector) of Open CEDA 2024 by Watershed,
kg CO2e per USD of 2022 producer price, from the third-party CSV export of the official xlsx.

Run: .venv/bin/python lci_data/packs/open_ceda/build_open_ceda.py   (needs ../shared/data/open-ceda-2024)
Deterministic: datasets in file order (country rows, then sector columns), the same input gives byte-identical CSVs.

The export is read strictly and the build fails (with the file line number) on anything it does not expect:
  - encoding cp1252 (strict; a UTF-8 or BOM-carrying re-save is rejected, it would silently garble the text),
  - ';' separators, every line with the same number of fields (csv quoting honoured: the attribution cell holds ';'),
  - metadata lines above the header: only the known labels (Release date, CEDA Version, License, Attribution and its
    text, Questions, Database parameters, Base year, Price type, Currency), with the values this script states in
    the notes and README (a new release must be re-read by a person, not passed through),
  - a sector-name line, then the header line ('Country Code', 'Country', unit column, sector codes),
  - data lines: ISO3 code, country name, unit 'kgCO2e/US Dollar', one decimal-comma number per sector (no dots, no
    exponents, no blanks, no negatives); columns right of the last sector must be empty,
  - 149 country rows (148 countries + ROW 'Rest of World') x 400 sectors.
Values '0,000' (63 of them: sectors with no or negligible output in that country in the CEDA model) are kept as an
explicit zero exchange, flagged in the notes and with dq_completeness 5; nothing is dropped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "materials"))
from lci_build import SHARED, Pack, fmt, write_pack_yaml  # noqa: E402

RAW = SHARED / "data" / "open-ceda-2024" / "open_ceda_2024_third_party_csv_export.csv"
SOURCE_ID = "open_ceda_2024"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]+$")
ISO3 = re.compile(r"^[A-Z]{3}$")
DECIMAL_COMMA = re.compile(r"^\d+(,\d+)?$")
UNIT_TEXT = "kgCO2e/US Dollar"
N_COUNTRY_ROWS = 149  # 148 countries + ROW
N_SECTORS = 400

# metadata label -> value the notes and README rely on (anything else fails the build)
EXPECTED_META = {
    "Release date": "May 22nd, 2025",
    "CEDA Version": "CEDA 2024",
    "License": "CC BY-SA 4.0",
    "Base year": "2022",
    "Price type": "Producer price",
    "Currency": "US Dollar",
}
SINGLE_CELL_OK = ("Attribution", "Database parameters")
ATTRIBUTION_START = "Open CEDA users agree to prominently include the attribution"
ATTRIBUTION_NAME = "CEDA by Watershed"
# words that would state a GWP set; none is in the 2024 export, so gwp_basis is 'unknown'
GWP_WORDS = re.compile(r"\b(GWP|AR4|AR5|AR6|IPCC)\b", re.IGNORECASE)


class BuildError(SystemExit):
    pass


def fail(line: int | None, message: str) -> None:
    where = f"{RAW.name}, line {line}: " if line is not None else f"{RAW.name}: "
    raise BuildError(f"open_ceda build failed - {where}{message}")


def decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        fail(None, "starts with a UTF-8 BOM: the export is expected in cp1252")
    if any(b > 127 for b in raw):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            fail(None, "non-ASCII text that is valid UTF-8: the export is expected in cp1252 (re-saved file?)")
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        fail(None, f"not cp1252 at byte {exc.start}: {exc.reason}")
    raise AssertionError  # unreachable


def slug(code: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", code.strip().lower()).strip("_")


def parse(raw: bytes) -> dict:
    text = decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    lines: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            lines.append((reader.line_num, row))
    except csv.Error as exc:
        fail(reader.line_num, f"CSV error: {exc}")
    if not lines:
        fail(None, "empty file")
    width = len(lines[0][1])
    for number, row in lines:
        if len(row) != width:
            fail(number, f"{len(row)} fields where the first line has {width} (separator or quoting changed?)")

    header_at = [i for i, (_, row) in enumerate(lines) if len(row) > 1 and row[1].strip() == "Country Code"]
    if len(header_at) != 1:
        fail(None, f"expected exactly one header line with 'Country Code' in column 2, found {len(header_at)}")
    h = header_at[0]
    if h < 1:
        fail(lines[h][0], "no sector-name line above the header")

    # --- metadata above the sector-name line ---------------------------------------------------------------------
    meta: dict[str, str] = {}
    attribution = None
    expect_attribution_text = False
    for number, row in lines[: h - 1]:
        cells = [c.strip() for c in row if c.strip()]
        if not cells:
            continue
        if GWP_WORDS.search(" ".join(cells)):
            fail(number, f"metadata mentions a GWP set ({' '.join(cells)[:80]!r}): set gwp_basis from it")
        if expect_attribution_text:
            if len(cells) != 1 or not cells[0].startswith(ATTRIBUTION_START):
                fail(number, "expected the attribution text after the 'Attribution' line")
            attribution = cells[0]
            expect_attribution_text = False
            continue
        if len(cells) == 1:
            if cells[0] == "Attribution":
                expect_attribution_text = True
            elif cells[0] in SINGLE_CELL_OK or cells[0].startswith("Questions:"):
                pass
            else:
                fail(number, f"unexpected metadata line {cells[0][:80]!r}")
            continue
        if len(cells) != 2 or cells[0] not in EXPECTED_META:
            fail(number, f"unexpected metadata line {cells!r}")
        if cells[0] in meta:
            fail(number, f"metadata {cells[0]!r} given twice")
        meta[cells[0]] = cells[1]
    for label, value in EXPECTED_META.items():
        if meta.get(label) != value:
            fail(None, f"metadata {label!r} is {meta.get(label)!r}, this build states {value!r}: re-read the source")
    if attribution is None or f"\u201c{ATTRIBUTION_NAME}\u201d" not in attribution:
        fail(None, f"attribution text with \u201c{ATTRIBUTION_NAME}\u201d not found")

    # --- sector names and codes -----------------------------------------------------------------------------------
    names_line, names = lines[h - 1]
    header_line, header = lines[h]
    if [c.strip() for c in header[:4]] != ["", "Country Code", "Country", "country"]:
        fail(header_line, f"unexpected header start {header[:4]!r}")
    if any(c.strip() for c in names[:4]):
        fail(names_line, f"unexpected text left of the sector names: {names[:4]!r}")
    last = max(j for j, c in enumerate(header) if c.strip())
    sectors = []
    for j in range(4, last + 1):
        code, name = header[j].strip(), names[j].strip()
        if not code or not name:
            fail(header_line if not code else names_line, f"column {j + 1}: empty sector code or name")
        if not KEY_PATTERN.match(f"ceda_xxx_{slug(code)}") or not slug(code):
            fail(header_line, f"column {j + 1}: sector code {code!r} gives no valid key")
        sectors.append((j, code, name))
    if any(c.strip() for c in names[last + 1:]):
        fail(names_line, "sector names right of the last sector code")
    if len(sectors) != N_SECTORS:
        fail(header_line, f"{len(sectors)} sectors, expected {N_SECTORS}")
    slugs = [slug(code) for _, code, _ in sectors]
    if len(set(slugs)) != len(slugs):
        fail(header_line, "two sector codes give the same key slug")

    # --- data lines -----------------------------------------------------------------------------------------------
    countries = []
    seen: set[str] = set()
    for number, row in lines[h + 1:]:
        if row[0].strip():
            fail(number, f"unexpected text in column 1: {row[0]!r}")
        iso, country, unit = row[1].strip(), row[2].strip(), row[3].strip()
        if not ISO3.match(iso):
            fail(number, f"country code {iso!r} is not three capital letters")
        if iso in seen:
            fail(number, f"country code {iso} given twice")
        seen.add(iso)
        if not country:
            fail(number, "empty country name")
        if unit != UNIT_TEXT:
            fail(number, f"unit {unit!r}, expected {UNIT_TEXT!r}")
        if any(c.strip() for c in row[last + 1:]):
            fail(number, "values right of the last sector column")
        values = []
        for j, code, _ in sectors:
            cell = row[j].strip()
            if not DECIMAL_COMMA.match(cell):
                fail(number, f"column {j + 1} (sector {code}): {cell!r} is not a decimal-comma number")
            values.append((cell, float(cell.replace(",", "."))))
        countries.append((number, iso, country, values))
    if len(countries) != N_COUNTRY_ROWS:
        fail(None, f"{len(countries)} country rows, expected {N_COUNTRY_ROWS}")
    return {"meta": meta, "attribution": attribution, "sectors": sectors, "countries": countries}


def main() -> None:
    raw = RAW.read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    data = parse(raw)
    meta = data["meta"]
    year = int(meta["Base year"])

    p = Pack()
    p.source(source_id=SOURCE_ID, kind="database", title="Open CEDA 2024 (Comprehensive Environmental Data Archive), spend-based emission factors, "
                   "148 countries + Rest of World x 400 sectors, kg CO2e per US Dollar, producer price, base year 2022",
             publisher="Watershed Technology Inc.", year="2025", url="https://openceda.org",
             licence="CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)",
             attribution="CEDA by Watershed",
             notes=f"Metadata of the file: Release date '{meta['Release date']}', CEDA Version "
                   f"'{meta['CEDA Version']}', License '{meta['License']}', Base year '{meta['Base year']}', Price "
                   f"type '{meta['Price type']}', Currency '{meta['Currency']}', unit 'kgCO2e/US Dollar'; no GWP set "
                   "stated. Required attribution (quoted from the file): " + data["attribution"] + " Read from a "
                   "third-party CSV export of the official xlsx (github.com/24022943/Machine-Learning-EcoPredict-"
                   f"Carbon @ e88785f2, data/open_ceda_2024.csv; sha256 {sha256}), not byte-verified against the "
                   "official release.")

    n_zero = 0
    for number, iso, country, values in data["countries"]:
        rest = iso == "ROW"
        geography = "RoW" if rest else iso
        for (j, code, sector), (cell, value) in zip(data["sectors"], values):
            key = f"ceda_{iso.lower()}_{slug(code)}"
            if not KEY_PATTERN.match(key):
                fail(number, f"key {key!r} does not match {KEY_PATTERN.pattern}")
            zero = value == 0.0
            n_zero += zero
            notes = ("Source states Base year 2022, Price type Producer price, Currency US Dollar: kg CO2e per 2022 "
                     "USD at producer price (convert purchaser-price spend first). CO2e only, GWP set not stated. "
                     "Credit 'CEDA by Watershed'. See the pack README.")
            if rest:
                notes += " Source ROW (Rest of World) written as RoW."
            if zero:
                notes += (" Source value 0,000 (below 0.0005 after rounding; no or negligible output of the sector in "
                          "this country in the CEDA model): a zero factor under-counts, use another country's or RoW.")
            p.dataset(key, f"{sector}, {country} (Open CEDA 2024, spend-based)", category="spend",
                      unit="USD2022", geography=geography, year=year, source_id=SOURCE_ID,
                      locator=f"CSV line {number} ({iso}), column {j + 1} ({code}): {cell}",
                      dq=(5, 4 if rest else 3, 3, 5 if zero else 3, 4), gwp_basis="unknown", notes=notes)
            # written directly (Pack.bio drops zero amounts): one exchange per dataset, zeros included
            p.exchanges.append({"dataset": key, "kind": "biosphere", "input": "co2e_aggregated",
                                "amount": fmt(value), "unit": "kg",
                                "comment": f"CEDA {cell} kgCO2e/USD"})
    p.write(HERE)
    write_pack_yaml(HERE, "open_ceda", "Open CEDA 2024 by Watershed (spend-based, kg CO2e per USD of 2022 producer "
                                       "price, 148 countries + RoW x 400 sectors)",
                    licence="CC-BY-SA-4.0", attribution=ATTRIBUTION_NAME, optional=True)
    print(f"open_ceda: {len(p.datasets)} datasets ({len(data['countries'])} country rows x {len(data['sectors'])} "
          f"sectors), {len(p.exchanges)} exchanges, {n_zero} zero-valued")


if __name__ == "__main__":
    main()
