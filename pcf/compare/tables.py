"""The comparison (`Comparison`): side-by-side tables, deltas and top changes, rendered as JSON, report tables
and markdown."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..contributions import STAGES
from .packaging_tables import break_even_table, programme_tables
from .packaging_tables import signed_pct as _pct
from .scenario import BASE_NAME
from .variant_result import VariantResult


BREAKDOWNS = ("stage", "module", "dataset", "material", "line")


@dataclass(frozen=True, eq=False)
class Comparison:
    """The base and its variants side by side; deltas are variant - reference (the base unless named)."""

    base: VariantResult
    variants: tuple[VariantResult, ...]
    reference: str = BASE_NAME
    name: str = ""
    description: str = ""
    base_line_dataset: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    break_evens: tuple = ()  # BreakEven per reusable option of a variant (pcf.compare.breakeven)
    programme: object | None = None  # ProgrammeResult of the scenario file's programme (its own annual scope)

    @property
    def results(self) -> tuple[VariantResult, ...]:
        return (self.base, *self.variants)

    def result(self, name: str) -> VariantResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(name)

    @property
    def reference_result(self) -> VariantResult:
        return self.result(self.reference)

    def totals(self) -> pd.DataFrame:
        """One row per result: total, delta to the reference (kg CO2e, % of the reference machine and % of the
        reference's packaging stage), masses, electricity."""
        ref = self.reference_result
        ref_packaging = float(ref.by_stage.get("packaging", 0.0))
        rows = []
        for r in self.results:
            delta = r.total_kg_co2e - ref.total_kg_co2e
            rows.append({
                "variant": r.name, "total_kg_co2e": r.total_kg_co2e, "delta_kg_co2e": delta,
                "delta_pct": 100.0 * delta / ref.total_kg_co2e if ref.total_kg_co2e else float("nan"),
                "packaging_kg_co2e": float(r.by_stage.get("packaging", 0.0)),
                "delta_pct_of_packaging": 100.0 * delta / ref_packaging if ref_packaging else float("nan"),
                "biogenic_removals_kg_co2e": r.biogenic_removals_kg_co2e, "mass_kg": r.mass_kg,
                "delta_mass_kg": r.mass_kg - ref.mass_kg, "packaging_kg": r.packaging_kg,
                "electricity": r.electricity, "electricity_basis": r.electricity_basis, "evaluation": r.evaluation,
            })
        return pd.DataFrame(rows).set_index("variant")

    def breakdown(self, by: str) -> pd.DataFrame:
        """kg CO2e by stage, module, dataset, material or line (rows) for every result (columns)."""
        if by not in BREAKDOWNS:
            raise ValueError(f"unknown breakdown '{by}' (expected one of {', '.join(BREAKDOWNS)})")
        frame = pd.concat({r.name: getattr(r, f"by_{by}") for r in self.results}, axis=1).fillna(0.0)
        if by == "stage":
            order = [s for s in STAGES if s in frame.index] + [s for s in frame.index if s not in STAGES]
            return frame.loc[order]
        return frame.loc[frame.abs().max(axis=1).sort_values(ascending=False).index]

    def deltas(self, by: str) -> pd.DataFrame:
        """Variant - reference, kg CO2e, by stage, module, dataset, material or line."""
        frame = self.breakdown(by)
        return frame.drop(columns=[self.reference]).sub(frame[self.reference], axis=0)

    def side_by_side(self, by: str, *, top: int | None = None) -> pd.DataFrame:
        """The reference's kg CO2e, then per variant: kg CO2e, delta (kg) and delta (% of the reference's row)."""
        frame = self.breakdown(by)
        ref = frame[self.reference]
        columns = {(self.reference, "kg_co2e"): ref}
        for r in self.results:
            if r.name == self.reference:
                continue
            delta = frame[r.name] - ref
            columns[(r.name, "kg_co2e")] = frame[r.name]
            columns[(r.name, "delta_kg_co2e")] = delta
            columns[(r.name, "delta_pct")] = (100.0 * delta / ref.where(ref != 0)).astype("float64")
        out = pd.DataFrame(columns)
        if top is not None and by != "stage":
            changed = self.deltas(by).abs().max(axis=1)
            keep = changed.sort_values(ascending=False).index[:top]
            out = out.loc[[k for k in out.index if k in set(keep)]]
        return out

    def top_changes(self, n: int = 10) -> pd.DataFrame:
        """For every variant, the n BOM lines whose kg CO2e changed most against the reference."""
        ref = self.reference_result
        rows = []
        for r in self.results:
            if r.name == self.reference:
                continue
            both = pd.concat({"ref": ref.by_line, "var": r.by_line}, axis=1).fillna(0.0)
            delta = both["var"] - both["ref"]
            delta = delta[delta != 0]
            for line_id in delta.abs().sort_values(ascending=False).index[:n]:
                rows.append({
                    "variant": r.name, "line_id": line_id,
                    "dataset_reference": self._dataset(ref, line_id) if line_id in ref.by_line.index else "",
                    "dataset_variant": self._dataset(r, line_id) if line_id in r.by_line.index else "",
                    "kg_co2e_reference": float(both.at[line_id, "ref"]),
                    "kg_co2e_variant": float(both.at[line_id, "var"]), "delta_kg_co2e": float(delta[line_id]),
                })
        columns = ["variant", "line_id", "dataset_reference", "dataset_variant", "kg_co2e_reference",
                   "kg_co2e_variant", "delta_kg_co2e"]
        return pd.DataFrame(rows, columns=columns)

    def _dataset(self, result: VariantResult, line_id: str) -> str:
        return result.line_dataset.get(line_id, self.base_line_dataset.get(line_id, ""))

    # -- rendering -------------------------------------------------------------------------------------------
    def to_dict(self, *, top: int = 10) -> dict:
        """A JSON-ready document: totals, side-by-side stage and module tables, top changes."""

        def clean(value):
            if isinstance(value, float) and not math.isfinite(value):
                return None
            return value

        def table(frame: pd.DataFrame) -> dict:
            return {str(key): {str(c): clean(float(frame.at[key, c])) for c in frame.columns} for key in frame.index}

        totals = self.totals()
        deltas = {by: self.deltas(by) for by in ("stage", "module", "dataset")}
        variants = []
        for r in self.results:
            row = totals.loc[r.name]
            entry = {**r.summary(), "delta_kg_co2e": float(row["delta_kg_co2e"]),
                     "delta_pct": clean(float(row["delta_pct"])),
                     "packaging_kg_co2e": float(row["packaging_kg_co2e"]),
                     "delta_pct_of_packaging": clean(float(row["delta_pct_of_packaging"])),
                     "delta_mass_kg": float(row["delta_mass_kg"]),
                     "seconds": r.seconds}
            for by in ("stage", "module"):
                entry[f"by_{by}"] = {str(k): float(v) for k, v in getattr(r, f"by_{by}").items()}
            variants.append(entry)
        return {
            "scenario": self.name,
            "description": self.description,
            "functional_unit": "one machine, cradle to gate",
            "unit": "kg CO2e per machine (excluding biogenic uptake)",
            "reference": self.reference,
            "variants": variants,
            "by_stage": table(self.breakdown("stage")),
            "by_module": table(self.breakdown("module")),
            "delta_by_stage": table(deltas["stage"]),
            "delta_by_module": table(deltas["module"]),
            "top_changes": json.loads(self.top_changes(top).to_json(orient="records", double_precision=15)),
            "break_even": [b.to_dict() for b in self.break_evens],
            "programme": self.programme.to_dict() if self.programme is not None else None,
            "seconds": self.seconds,
        }

    def write_json(self, path: str | Path, *, top: int = 10) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(top=top), indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        return path

    def write_workbook(self, path: str | Path, *, top: int = 10) -> Path:
        """Every table of the comparison in an Excel workbook (`pcf.compare.workbook`)."""
        from .workbook import write_workbook

        return write_workbook(self, path, top=top)

    def report_tables(self, *, top: int = 10, labels: dict[str, str] | None = None,
                      layout: str = "wide") -> list[dict]:
        """The comparison's tables as formatted text: totals, by stage, by module (top changes) and the lines that
        changed most. Each is {'title', 'caption', 'columns', 'rows', 'numeric'} (numeric: right-aligned columns).

        labels: display names of row keys (e.g. stages); layout: 'wide' puts the variants side by side (three
        columns each, as `to_markdown`), 'long' gives one row per key and variant (six columns, fits a page).
        """
        if layout not in ("wide", "long"):
            raise ValueError(f"unknown layout '{layout}' (expected 'wide' or 'long')")
        ref = self.reference
        tables = [{
            "title": "", "caption": f"Totals: kg CO2e per machine, cradle to gate; deltas against {ref}, as % of "
                                    f"its whole machine and as % of its packaging stage",
            "columns": ["variant", "kg CO2e", "delta kg CO2e", "delta % of machine", "packaging kg CO2e",
                        "delta % of packaging", "mass kg", "electricity"],
            "rows": [[str(name), f"{row['total_kg_co2e']:,.1f}", f"{row['delta_kg_co2e']:+,.1f}",
                      _pct(row["delta_pct"]), f"{row['packaging_kg_co2e']:,.1f}",
                      _pct(row["delta_pct_of_packaging"]), f"{row['mass_kg']:,.1f}",
                      f"{row['electricity']} ({row['electricity_basis']})" if row["electricity_basis"]
                      else str(row["electricity"])]
                     for name, row in self.totals().iterrows()],
            "numeric": [1, 2, 3, 4, 5, 6]}]
        for by, title in (("stage", "By life-cycle stage"), ("module", "By module")):
            frame = self.side_by_side(by, top=top)
            names = [c for c in frame.columns.get_level_values(0).unique() if c != ref]
            rows = []
            for key, row in frame.iterrows():
                label, reference = (labels or {}).get(str(key), str(key)), f"{row[(ref, 'kg_co2e')]:,.1f}"
                cells = [[f"{row[(n, 'kg_co2e')]:,.1f}", f"{row[(n, 'delta_kg_co2e')]:+,.1f}",
                          _pct(row[(n, 'delta_pct')])] for n in names]
                if layout == "wide":
                    rows.append([label, reference] + [c for variant in cells for c in variant])
                else:
                    rows += [[label, reference, n, *variant] if i == 0 else ["", "", n, *variant]
                             for i, (n, variant) in enumerate(zip(names, cells))]
            shown = "" if by == "stage" else f" (the {top} with the largest changes)"
            if layout == "wide":
                columns = ["", ref] + [c for n in names for c in (n, "delta", "delta %")]
                numeric = list(range(1, len(columns)))
            else:
                columns, numeric = ["", ref, "variant", "kg CO2e", "delta", "delta %"], [1, 3, 4, 5]
            tables.append({"title": title, "caption": f"{title}{shown}: kg CO2e of {ref}, and per variant its kg "
                                                      f"CO2e, delta and delta % against {ref}",
                           "columns": columns, "rows": rows, "numeric": numeric})
        changes = self.top_changes(top)
        if len(changes):
            tables.append({
                "title": "Lines that changed most",
                "caption": f"BOM lines that changed most (top {top} per variant), kg CO2e",
                "columns": ["variant", "line", "dataset", "kg CO2e before", "after", "delta"],
                "rows": [[str(row.variant), str(row.line_id), _arrow(row.dataset_reference, row.dataset_variant),
                          f"{row.kg_co2e_reference:,.2f}", f"{row.kg_co2e_variant:,.2f}",
                          f"{row.delta_kg_co2e:+,.2f}"] for row in changes.itertuples()],
                "numeric": [3, 4, 5]})
        if self.break_evens:
            tables.append(break_even_table(self.break_evens))
        if self.programme is not None:
            tables += programme_tables(self.programme)
        return tables

    def report_section_data(self, *, top: int = 10, labels: dict[str, str] | None = None,
                            charts: dict[str, str] | None = None, layout: str = "long") -> dict:
        """The report section as plain data (id, title, paragraphs, tables of formatted cells, charts as
        (title, file) pairs), for a renderer; the tables are `report_tables` (long layout: fits a page)."""
        paragraphs = [self.description.strip()] if self.description else []
        paragraphs.append(f"kg CO2e per machine, cradle to gate (excluding biogenic uptake); deltas are variant minus "
                          f"{self.reference}. {len(self.variants)} variant(s) of the base BOM.")
        return {"id": "design-comparison",
                "title": f"Design comparison{': ' + self.name if self.name else ''}",
                "paragraphs": paragraphs, "tables": self.report_tables(top=top, labels=labels, layout=layout),
                "charts": list((charts or {}).items())}

    def to_markdown(self, *, top: int = 10) -> str:
        """The comparison as a report section (markdown tables)."""
        out = [f"## Design comparison{': ' + self.name if self.name else ''}", ""]
        if self.description:
            out += [self.description, ""]
        out.append(f"kg CO2e per machine, cradle to gate; deltas against **{self.reference}**.")
        for table in self.report_tables(top=top):
            out += ["", f"### {table['title']}", ""] if table["title"] else [""]
            if table.get("lead"):  # the packaging tables state their scope and formulas above the table
                out += [table["caption"] + ".", ""]
            numeric = set(table["numeric"])
            out.append("|" + "".join(f" {c} |" if c else " |" for c in table["columns"]))
            out.append("|" + "".join(" ---: |" if j in numeric else " --- |" for j in range(len(table["columns"]))))
            out += ["| " + " | ".join(row) + " |" for row in table["rows"]]
        return "\n".join(out) + "\n"


def _arrow(before: str | None, after: str | None) -> str:
    if before == after:
        return before or ""
    return f"{before or '(none)'} -> {after or '(removed)'}"
