"""Results: the footprint of one machine and its contributions, as pandas tables and a JSON-ready dict.

Every breakdown is computed from the same link table (one row per BOM line's use of a background dataset, scaled
by the solved supply of its parent), so by stage, by module, by material, by dataset and by gas all sum to the
total; `compute_result` checks that sum against bw2calc's own score.

Headline: `total_kg_co2e` is the ISO 14067 CFP excluding biogenic CO2 uptake (PACT `pcfExcludingBiogenicUptake`):
fossil + land-use change + biogenic emissions + aggregated-CO2e. Biogenic removals are reported separately (<= 0),
and `total_including_removals_kg_co2e` adds them all, packaging's too (PACT `pcfIncludingBiogenicUptake` adds only
the product's uptake: pcf.pact, docs/pact.md).
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ._version import __version__
from .contributions import (CLASSES, CONSISTENCY_RTOL, SHARED_MODULE, STAGES, Contributions, Edges, Labels,
                            Links, UnitScores, contributions, per_kg_scores, reported_datasets,
                            unit_scores)
from .data.background import Background
from .data.tables import FACTORY_ELECTRICITY
from .errors import SolveError
from .frozen import freeze, thaw
from .graph import ProductGraph
from .matrices import ForegroundArrays
from .methods import Method
from .solve import Solution

__all__ = ["CLASSES", "CONSISTENCY_RTOL", "STAGES", "Result", "compute_result", "electricity_by_stage",
           "gwp_disclosure", "reported_datasets"]


DOCUMENT_FIELDS = ("functional_unit", "mass", "coverage", "data_quality", "data_versions", "attributions")


@dataclass(frozen=True, eq=False)
class Result:
    """The cradle-to-gate carbon footprint of one machine (kg CO2e per machine) and its breakdowns."""

    functional_unit: Mapping  # FrozenDict
    method: str
    grid: str | None  # the maker's factory grid; None: no line needs one (a materials-only BOM)
    solver: str
    total_kg_co2e: float
    by_class: pd.Series  # kg CO2e by GHG class (fossil, biogenic_emission, biogenic_removal, land_use_change, aggregated)
    aircraft_kg_co2e: float
    by_stage: pd.Series
    by_module: pd.Series
    by_material: pd.Series
    by_dataset: pd.DataFrame
    by_gas: pd.DataFrame
    attributions: tuple[Mapping, ...]  # sources of every dataset in the supply chain, with licence and attribution
    lines: pd.DataFrame  # one row per BOM line's link to a dataset
    nodes: pd.DataFrame  # one row per foreground node
    mass: Mapping
    coverage: Mapping
    data_quality: Mapping
    primary_data_share: float
    data_versions: Mapping
    warnings: tuple[str, ...] = field(default_factory=tuple)
    intake: pd.DataFrame | None = None  # one row per BOM line: given text, dataset, method, confidence, status
    electricity: pd.DataFrame | None = None  # per grid: kWh of electricity_factory, kg CO2e, sites, stages, lines,
    # and the grid's source, reference year and data-quality ratings
    by_gwp_basis: pd.Series | None = None  # kg CO2e by the GWP set behind it (AR6, AR5, AR4, CO2 only, unknown)
    activity_data_share: float = 0.0  # share of the CFP from lines with primary activity data (weighed, metered)
    uncertainty: object | None = None  # pcf.uncertainty.run.UncertaintyResult of a Monte Carlo run, if one was asked

    def __post_init__(self):
        # the document-like fields are deeply immutable (FrozenDict, tuples); to_dict returns plain copies
        for name in DOCUMENT_FIELDS:
            object.__setattr__(self, name, freeze(getattr(self, name)))

    # -- the ISO 14067 / PACT split ---------------------------------------------------------------------------
    @property
    def fossil_kg_co2e(self) -> float:
        return float(self.by_class["fossil"])

    @property
    def biogenic_emissions_kg_co2e(self) -> float:
        return float(self.by_class["biogenic_emission"])

    @property
    def biogenic_removals_kg_co2e(self) -> float:
        return float(self.by_class["biogenic_removal"])

    @property
    def dluc_kg_co2e(self) -> float:
        return float(self.by_class["land_use_change"])

    @property
    def aggregated_kg_co2e(self) -> float:
        return float(self.by_class["aggregated"])

    @property
    def total_including_removals_kg_co2e(self) -> float:
        return self.total_kg_co2e + self.biogenic_removals_kg_co2e

    def to_dict(self) -> dict:
        """A JSON-ready result document."""

        def series(s: pd.Series) -> dict:
            return {str(k): float(v) for k, v in s.items()}

        return thaw({
            "functional_unit": self.functional_unit,
            "method": self.method,
            "factory_grid": self.grid,
            "solver": self.solver,
            "total_kg_co2e": self.total_kg_co2e,
            "total_including_biogenic_removals_kg_co2e": self.total_including_removals_kg_co2e,
            "fossil_kg_co2e": self.fossil_kg_co2e,
            "biogenic_emissions_kg_co2e": self.biogenic_emissions_kg_co2e,
            "biogenic_removals_kg_co2e": self.biogenic_removals_kg_co2e,
            "dluc_kg_co2e": self.dluc_kg_co2e,
            "aircraft_kg_co2e": self.aircraft_kg_co2e,
            "aggregated_co2e_kg_co2e": self.aggregated_kg_co2e,
            "aggregated_co2e_share": self.aggregated_kg_co2e / self.total_kg_co2e if self.total_kg_co2e else 0.0,
            "by_stage": series(self.by_stage),
            "by_module": series(self.by_module),
            "by_material": series(self.by_material),
            "by_dataset": _records(self.by_dataset),
            "by_gas": _records(self.by_gas),
            "electricity": _records(self.electricity) if self.electricity is not None else [],
            "by_gwp_basis": {str(k): {"kg_co2e": float(v),
                                      "share": float(v) / self.total_kg_co2e if self.total_kg_co2e else 0.0}
                             for k, v in (self.by_gwp_basis if self.by_gwp_basis is not None else {}).items()},
            "mass": self.mass,
            "attributions": list(self.attributions),
            "coverage": self.coverage,
            "data_quality": self.data_quality,
            "primary_data_share": self.primary_data_share,
            "activity_data_share": self.activity_data_share,
            "data_versions": self.data_versions,
            "warnings": list(self.warnings),
            **({"uncertainty": self.uncertainty.to_dict()} if self.uncertainty is not None else {}),
        })

    def write_json(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        return path


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.reset_index().to_json(orient="records", double_precision=15))


def links_of(graph: ProductGraph, fg: ForegroundArrays) -> Links:
    """The graph's links as the arrays `pcf.contributions` aggregates."""
    links = graph.links
    return Links(
        parent=fg.link_parent, dataset=fg.link_dataset, amount=fg.link_amount, grid=fg.link_grid,
        stage=Labels.of([link.stage for link in links]),
        module=Labels.of([link.module for link in links]),
        material=Labels.of([link.material if link.material is not None else f"({link.line_kind}: not a material)"
                            for link in links]),
        line=Labels.of([link.line_id for link in links]),
    )


def edges_of(graph: ProductGraph, fg: ForegroundArrays) -> Edges:
    """The graph's edges as arrays (positions in topological order)."""
    return Edges(fg.edge_parent, fg.edge_child, fg.edge_amount,
                 np.fromiter((e[3] for e in graph.edges), dtype=object, count=len(graph.edges)))


def compute_result(
    graph: ProductGraph,
    fg: ForegroundArrays,
    background: Background,
    method: Method,
    solution: Solution,
    *,
    intake=None,
    cutoff=None,
) -> Result:
    """Assemble every breakdown from the solved supply and check it against bw2calc's score."""
    scores = unit_scores(background, method)
    parts = contributions(solution.supply, links_of(graph, fg), edges_of(graph, fg), background, method,
                          scores=scores)
    _check_against_brightway(parts, solution)
    total = parts.total_kg_co2e
    lines = _lines_frame(graph, fg, background, parts)
    by_dataset = _dataset_frame(background, parts, scores)
    by_class = parts.by_class.to_series()
    coverage = _coverage(graph, lines, by_dataset, by_class, total, spend=_spend_kg_co2e(background, method, fg, parts),
                         bom_lines=len(intake.lines) if intake is not None else None)
    if intake is not None:
        coverage.update(_intake_coverage(intake, lines, background, scores, total, cutoff))
    used = list(by_dataset.index)
    grids = set(background.keys[k] for k in fg.link_grid[parts.link_kwh != 0])
    return Result(
        functional_unit=_functional_unit(graph),
        method=method.label,
        grid=graph.grid,
        solver=solution.solver,
        total_kg_co2e=total,
        by_class=by_class,
        aircraft_kg_co2e=_aircraft_kg_co2e(background, fg, parts),
        by_stage=parts.by_stage.to_series(),
        by_module=parts.by_module.to_series(),
        by_material=parts.by_material.to_series(),
        by_dataset=by_dataset,
        by_gas=_gas_frame(background, method, parts),
        attributions=_attributions(background, used + sorted(grids | ({graph.grid} if graph.grid else set()))),
        lines=lines,
        nodes=_nodes_frame(graph, solution, parts),
        mass=graph.mass.to_dict(),
        coverage=coverage,
        intake=intake.lines if intake is not None else None,
        data_quality=_data_quality(by_dataset, total, _ambiguous_proxy_emissions(lines, intake)),
        primary_data_share=_primary_kg_co2e(background, fg, parts) / total if total else 0.0,
        activity_data_share=float(parts.link_kg_co2e[lines["data_type"].to_numpy() == "primary"].sum()) / total
        if total else 0.0,
        data_versions=_data_versions(background, method),
        electricity=_electricity(lines, background, scores.excluding_removals),
        by_gwp_basis=parts.by_basis.to_series(),
        warnings=tuple(_warnings(graph)) + tuple(
            f"cut-off criteria not met: {v}" for v in coverage.get("cutoff", {}).get("violations", [])),
    )


def _check_against_brightway(parts: Contributions, solution: Solution) -> None:
    """The breakdown must reproduce bw2calc's own score (which counts removals at -1)."""
    expected = solution.score
    got = parts.total_kg_co2e + parts.removals_kg_co2e
    if abs(got - expected) > CONSISTENCY_RTOL * max(1.0, abs(expected)) * 10:
        raise SolveError(f"contributions ({got!r}) do not add up to the bw2calc score ({expected!r})")


def _lines_frame(graph: ProductGraph, fg: ForegroundArrays, background: Background,
                 parts: Contributions) -> pd.DataFrame:
    """One row per link: the BOM line, its dataset as reported, amount and kg CO2e per machine, electricity."""
    keys = np.asarray(background.keys, dtype=object)
    links = graph.links
    shown = keys[parts.reported_dataset]  # electricity_factory lines as their grid
    return pd.DataFrame(
        {
            "line_id": [link.line_id for link in links],
            "kind": [link.line_kind for link in links],
            "parent": [link.parent for link in links],
            "module": [link.module if link.module is not None else SHARED_MODULE for link in links],
            "stage": [link.stage for link in links],
            "dataset": shown,
            "material": [link.material for link in links],
            "data_type": [link.data_type for link in links],
            "bom_quantity": [link.amount_text for link in links],
            "amount_per_machine": parts.per_machine,
            "unit": background.tables.datasets["unit"].reindex(shown).to_numpy(),
            "kg_co2e": parts.link_kg_co2e,
            "biogenic_removal_kg_co2e": parts.link_removals_kg_co2e,
            "electricity_site": [link.site for link in links],
            "electricity_grid": np.where(parts.link_kwh != 0.0, keys[fg.link_grid], None),
            "electricity_kwh": parts.link_kwh,
            "electricity_reason": [link.grid_reason for link in links],
        }
    )


DATASET_COLUMNS = ("name", "unit", "category", "geography", "reference_year", "pack", "source_title", "licence",
                   "dq_technological", "dq_geographical", "dq_temporal", "dq_completeness", "dq_reliability",
                   "aircraft", "gwp_basis")


def _dataset_frame(background: Background, parts: Contributions, scores: UnitScores) -> pd.DataFrame:
    """By dataset as reported, with provenance; largest first. A link's electricity stays inside its dataset
    (machining includes its kWh, on the grid of its site)."""
    datasets = background.tables.datasets
    found = parts.by_dataset
    frame = datasets.loc[list(found.keys), [c for c in DATASET_COLUMNS if c in datasets.columns]].copy()
    frame.index.name = "dataset"
    frame.insert(0, "amount_per_machine", np.asarray(found.amount_per_machine))
    unit_free = scores.excluding_removals[found.index]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where(found.amount_per_machine != 0, found.kg_co2e / found.amount_per_machine, unit_free)
    frame["kg_co2e_per_unit"] = per_unit
    frame["kg_co2e"] = np.asarray(found.kg_co2e)
    return frame


def _gas_frame(background: Background, method: Method, parts: Contributions) -> pd.DataFrame:
    """By elementary flow (only flows with a non-zero amount or kg CO2e): gas, GHG class, kg, kg CO2e."""
    flows = list(background.flow_keys)
    frame = pd.DataFrame(
        {"gas": method.gas.reindex(flows).to_numpy(), "ghg_class": method.classes_for(flows),
         "kg": np.asarray(parts.by_gas.kg), "kg_co2e": np.asarray(parts.by_gas.kg_co2e)},
        index=pd.Index(flows, name="flow"),
    )
    return frame[(frame["kg"] != 0) | (frame["kg_co2e"] != 0)]


def _nodes_frame(graph: ProductGraph, solution: Solution, parts: Contributions) -> pd.DataFrame:
    """One row per foreground node: kind, supply per machine, cradle-to-gate kg CO2e per unit and per machine."""
    unit_node = np.asarray(parts.node_unit_kg_co2e)
    return pd.DataFrame(
        {"kind": list(graph.node_kinds), "supply": solution.supply,
         "kg_co2e_per_unit": unit_node, "kg_co2e": solution.supply * unit_node},
        index=pd.Index(list(graph.order), name="node"),
    )


def _aircraft_kg_co2e(background: Background, fg: ForegroundArrays, parts: Contributions) -> float:
    """kg CO2e of the links to air-freight datasets."""
    keys = np.asarray(background.keys, dtype=object)
    aircraft = background.tables.datasets["aircraft"].reindex(keys[fg.link_dataset]).fillna(False)
    return float(parts.link_kg_co2e[aircraft.to_numpy(dtype=bool)].sum())


def _primary_kg_co2e(background: Background, fg: ForegroundArrays, parts: Contributions) -> float:
    """kg CO2e on primary emission factors, for the PACT v3 primary data share: activity data AND emission factor
    primary. pcf's only primary emission factors are suppliers' own PCFs, which carry their own primary data share
    (column primary_data_share, 0-1; unknown counts 0). Weighed and metered lines on background factors are
    primary activity data only."""
    datasets = background.tables.datasets
    if "primary_data_share" not in datasets:
        return 0.0
    share = (pd.to_numeric(datasets["primary_data_share"], errors="coerce").fillna(0.0).clip(0.0, 1.0)
             .reindex(list(background.keys)).fillna(0.0).to_numpy())
    return float(parts.link_kg_co2e @ share[fg.link_dataset])


def _spend_kg_co2e(background: Background, method: Method, fg: ForegroundArrays, parts: Contributions) -> float:
    """kg CO2e of spend-based (EEIO) datasets anywhere in the supply chain, e.g. inside a component model."""
    spend = unit_scores(background, method, background.spend_cumulative).excluding_removals
    fe = background.factory_electricity_kwh
    d, g = fg.link_dataset, fg.link_grid
    return float(parts.per_machine @ (spend[d] + fe[d] * spend[g]))


def _intake_coverage(intake, lines: pd.DataFrame, background: Background, scores: UnitScores, total: float,
                     cutoff) -> dict:
    """The intake counts and the ISO 14067 cut-off assessment of the lines left out."""
    from .coverage import assess

    assessed = assess(intake.lines, lines, total, cutoff,
                      candidate_intensity=_candidate_intensity(intake.lines, background, scores))
    return {
        "bom_lines": len(intake.lines),
        "unmapped_lines": intake.count("unmapped"),
        "excluded_lines": intake.count("excluded"),
        "estimated_lines": intake.count("estimated"),
        "proxy_lines": intake.count("proxy"),
        "cutoff": assessed.to_dict(),
    }


GWP_BASIS_WORDS = {"AR6": "on IPCC AR6 GWP100", "AR5": "on IPCC AR5 GWP100", "AR4": "on IPCC AR4 GWP100",
                   "CO2 only": "counting CO2 only (other gases not counted)", "unknown": "of unknown GWP basis"}


def gwp_disclosure(result: "Result") -> dict:
    """What share of the CFP is characterised with the method's GWP set, and what is CO2e reported by sources on
    another or an unknown basis (from `by_gwp_basis`).

    Returns {"method_set": "AR6", "own_share": 0.23, "shares": [{"basis", "kg_co2e", "share"}, ...] (the method's
    set first, then by size), "ipcc_sets": the IPCC sets used (the method's first; PACT `ipccCharacterizationFactors`),
    "line": the headline method line, never a bare set name over a number that is not all of that set}.
    """
    import re

    found = re.search(r"AR\d+", f"{result.method} {(result.data_versions or {}).get('method', '')}".upper())
    own = found.group(0) if found else str(result.method)
    total = result.total_kg_co2e
    basis = result.by_gwp_basis if result.by_gwp_basis is not None and len(result.by_gwp_basis) else \
        pd.Series({own: total}, dtype="float64")
    kg = {str(k): float(v) for k, v in basis.items() if abs(float(v)) > 1e-12 * max(1.0, abs(total))}
    order = [own] + sorted((k for k in kg if k != own), key=lambda k: -kg[k])
    shares = [{"basis": k, "kg_co2e": kg.get(k, 0.0), "share": kg.get(k, 0.0) / total if total else 0.0}
              for k in order if k in kg or k == own]
    own_share = shares[0]["share"]
    others = [s for s in shares[1:] if s["share"] != 0]
    if not others:
        line = f"{result.method} (all of the CFP)"
    else:
        rest = 1.0 - own_share
        line = (f"{result.method} for {own_share:.1%} of the CFP; {rest:.1%} is CO2e reported by its sources on "
                "another or an unknown basis: "
                + ", ".join(f"{s['share']:.1%} {GWP_BASIS_WORDS.get(s['basis'], 'on ' + s['basis'])}"
                            for s in others))
    ipcc_sets = [s["basis"] for s in shares if re.fullmatch(r"AR\d+", s["basis"]) and (s["share"] or s["basis"] == own)]
    return {"method_set": own, "own_share": own_share, "shares": shares, "ipcc_sets": ipcc_sets, "line": line}


def electricity_by_stage(result: "Result") -> pd.DataFrame:
    """Which grid supplied the electricity_factory demand of each stage: stage, grid, site, kWh, kg CO2e."""
    lines = result.lines
    columns = ["stage", "grid", "site", "kwh", "kg_co2e"]
    if "electricity_kwh" not in lines or result.electricity is None:
        return pd.DataFrame(columns=columns)
    used = lines[lines["electricity_kwh"] != 0.0]
    if used.empty:
        return pd.DataFrame(columns=columns)
    grouped = used.groupby(["stage", "electricity_grid", "electricity_site"], sort=False)["electricity_kwh"].sum()
    out = grouped.reset_index().rename(columns={"electricity_grid": "grid", "electricity_site": "site",
                                                "electricity_kwh": "kwh"})
    out["kg_co2e"] = out["kwh"] * result.electricity["kg_co2e_per_kwh"].reindex(out["grid"]).to_numpy()
    order = {stage: k for k, stage in enumerate(STAGES)}
    return out.sort_values(["stage", "kg_co2e"], key=lambda c: c.map(order) if c.name == "stage" else -c)[columns]


def _electricity(lines: pd.DataFrame, background: Background, grid_score: np.ndarray) -> pd.DataFrame:
    """Per grid: kWh of electricity_factory per machine, its kg CO2e, and the sites, stages and lines using it."""
    used = lines[lines["electricity_kwh"] != 0.0]
    meta = ["source_title", "reference_year", "dq_technological", "dq_geographical", "dq_temporal"]
    columns = ["grid", "name", "geography", "kwh", "kg_co2e_per_kwh", "kg_co2e", "sites", "stages", "reasons",
               "lines", *meta]
    if used.empty:
        return pd.DataFrame(columns=columns).set_index("grid")
    datasets = background.tables.datasets
    rows = []
    for grid, group in used.groupby("electricity_grid", sort=False):
        kwh = float(group["electricity_kwh"].sum())
        per_kwh = float(grid_score[background.index(grid)])
        rows.append({"grid": grid, "name": datasets.loc[grid, "name"], "geography": datasets.loc[grid, "geography"],
                     "kwh": kwh, "kg_co2e_per_kwh": per_kwh, "kg_co2e": kwh * per_kwh,
                     "sites": sorted(set(group["electricity_site"])), "stages": sorted(set(group["stage"])),
                     "reasons": sorted(set(group["electricity_reason"])),
                     "lines": list(dict.fromkeys(group["line_id"])),
                     **{c: datasets.loc[grid, c] if c in datasets.columns else None for c in meta}})
    return pd.DataFrame(rows, columns=columns).sort_values("kg_co2e", ascending=False).set_index("grid")


def _attributions(background: Background, used: list[str]) -> tuple[dict, ...]:
    """The sources behind every dataset the footprint reaches, with the attribution their licence requires."""
    # the electricity_factory placeholder has no numbers of its own: the grids that supplied it are listed instead
    chain = background.tables.datasets.loc[[k for k in background.supply_chain(used) if k != FACTORY_ELECTRICITY]]
    columns = [c for c in ("source_title", "licence", "source_attribution", "source_url") if c in chain]
    if not columns:
        return ()
    grouped = chain[columns].astype(object).fillna("").astype(str).groupby(columns, sort=True).size()
    out = []
    for index, count in grouped.items():
        values = dict(zip(columns, index if isinstance(index, tuple) else (index,)))
        out.append({"source": values.get("source_title", ""), "licence": values.get("licence", ""),
                    "attribution": values.get("source_attribution", ""), "url": values.get("source_url", ""),
                    "datasets": int(count)})
    return tuple(out)


def _functional_unit(graph: ProductGraph) -> dict:
    m = graph.system.machine
    return {
        "description": f"one {m.name} machine ({m.id}), cradle to gate",
        "declared_unit": "piece",
        "amount": 1,
        "machine_id": m.id,
        "model": m.name,
        "manufacturer": m.manufacturer,
        "country": m.country,
        "machine_description": m.description,
        "declared_mass_kg": m.declared_mass_kg,
        "reference_year": m.reference_year,
        "source_file": graph.system.source_file,
        "factory_electricity": graph.grid,
        "factory_electricity_basis": graph.system.factory.electricity_basis,
    }


def _coverage(graph, lines, by_dataset, by_class, total, *, spend: float, bom_lines: int | None = None) -> dict:
    counts = lines["kind"].value_counts().to_dict()
    category_share = (by_dataset.groupby("category")["kg_co2e"].sum() / total).to_dict() if total else {}
    return {
        "bom_lines": sum(1 for _ in graph.system.all_lines()) if bom_lines is None else bom_lines,
        "dataset_links": len(lines),
        "links_by_kind": {str(k): int(v) for k, v in counts.items()},
        "unmapped_lines": 0,
        "excluded_lines": 0,
        "mass_rollup": graph.mass.to_dict(),
        "share_by_dataset_category": {str(k): float(v) for k, v in category_share.items()},
        # emissions of spend-based (EEIO) datasets anywhere in the supply chain, e.g. inside a component model
        "spend_based_share": spend / total if total else 0.0,
        "aggregated_co2e_share": float(by_class["aggregated"] / total) if total else 0.0,
    }


WORST_DQR = 5.0  # the rating of the emissions of ambiguous lines modelled with a conservative proxy


def _ambiguous_proxy_emissions(lines: pd.DataFrame, intake) -> pd.Series:
    """kg CO2e per dataset of the lines that are ambiguous and modelled with their highest-emitting candidate
    (intake method `ambiguous`)."""
    if intake is None or "method" not in intake.lines:
        return pd.Series(dtype=float)
    ids = set(intake.lines.loc[intake.lines["method"] == "ambiguous", "line_id"])
    if not ids:
        return pd.Series(dtype=float)
    return lines[lines["line_id"].isin(ids)].groupby("dataset")["kg_co2e"].sum()


def _data_quality(by_dataset: pd.DataFrame, total: float, ambiguous: pd.Series | None = None) -> dict:
    """PACT-style DQRs: averages of the dataset ratings weighted by their share of the footprint
    (docs/uncertainty.md): DQR_k = sum_d w_d r_dk / sum_d w_d over datasets d rated on k, w_d = max(0, kg CO2e of
    d). Technological, geographical and temporal are PACT v3's `dqi`; completeness and reliability are reported
    beside them, with the share of the footprint whose datasets are not rated on them. The emissions of ambiguous
    lines modelled with a conservative proxy (`ambiguous`, kg CO2e by dataset) carry the worst rating (WORST_DQR)
    instead of their dataset's."""
    out = {}
    if ambiguous is not None and len(ambiguous):
        taken = ambiguous.reindex(by_dataset.index).fillna(0.0).clip(lower=0.0)
        by_dataset = by_dataset.copy()
        by_dataset["kg_co2e"] = by_dataset["kg_co2e"] - taken
        worst = pd.DataFrame({"kg_co2e": [float(taken.sum())],
                              **{c: [WORST_DQR] for c in ("dq_technological", "dq_geographical", "dq_temporal",
                                                          "dq_completeness", "dq_reliability") if c in by_dataset}},
                             index=["(ambiguous lines: conservative proxies)"])
        by_dataset = pd.concat([by_dataset, worst])
        out["ambiguous_proxy_share"] = float(taken.sum() / total) if total else 0.0
    weights_all = by_dataset["kg_co2e"].clip(lower=0.0) if len(by_dataset) else pd.Series(dtype=float)
    for column, name in (("dq_technological", "technologicalDQR"), ("dq_geographical", "geographicalDQR"),
                         ("dq_temporal", "temporalDQR"), ("dq_completeness", "completenessDQR"),
                         ("dq_reliability", "reliabilityDQR")):
        if column not in by_dataset:
            continue
        ratings = pd.to_numeric(by_dataset[column], errors="coerce")
        weights = weights_all.where(ratings.notna(), 0.0)
        if weights.sum() > 0:
            out[name] = float((ratings.fillna(0.0) * weights).sum() / weights.sum())
        if name in ("completenessDQR", "reliabilityDQR") and weights_all.sum() > 0:
            out[name.replace("DQR", "_unrated_share")] = float(1.0 - weights.sum() / weights_all.sum())
    rated = weights_all
    unrated = rated[pd.to_numeric(by_dataset.get("dq_technological"), errors="coerce").isna()].sum() if len(rated) else 0
    out["unrated_share"] = float(unrated / rated.sum()) if rated.sum() > 0 else 0.0
    return out


def _data_versions(background: Background, method: Method) -> dict:
    import bw2calc
    import bw_processing

    return {
        "pcf": __version__,
        "lci_data_hash": background.content_hash,
        "lci_data_origin": background.tables.origin,
        "lci_data_packs": list(background.tables.packs),
        "method": method.name,
        "bw2calc": bw2calc.__version__ if isinstance(bw2calc.__version__, str) else ".".join(map(str, bw2calc.__version__)),
        "bw_processing": str(bw_processing.__version__),
        "computed_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def _candidate_intensity(intake: pd.DataFrame, background: Background, scores: UnitScores) -> dict[str, float]:
    """kg CO2e per kg of every per-kg dataset an ambiguous line could mean (its electricity on the grid of the
    dataset's geography, as for a material), for the cut-off estimate of ambiguous lines."""
    names = set()
    for text in intake.get("candidates", pd.Series(dtype=object)).dropna():
        names.update(n.strip() for n in str(text).split(",") if n.strip())
    return per_kg_scores(background, scores.excluding_removals, sorted(names))


def _warnings(graph: ProductGraph) -> list[str]:
    out = []
    share = graph.mass.gap_share
    if share is not None and abs(share) > 0.05:
        what = "rolled-up mass with packaging" if graph.mass.declared_includes_packaging else "rolled-up mass"
        out.append(f"{what} {graph.mass.compared_kg:.1f} kg differs from the declared "
                   f"{graph.mass.declared_kg:.1f} kg by {share:+.1%}")
    if graph.mass.lines_without_mass:
        out.append(f"{len(graph.mass.lines_without_mass)} component line(s) without a mass are not in the mass roll-up")
    return out
