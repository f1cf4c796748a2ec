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

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve_triangular

from . import __version__
from .data.background import Background
from .data.tables import FACTORY_ELECTRICITY
from .errors import SolveError
from .graph import ProductGraph
from .matrices import ForegroundArrays
from .methods import Method
from .solve import Solution

CLASSES = ("fossil", "biogenic_emission", "biogenic_removal", "land_use_change", "aggregated")
STAGES = ("raw_material_acquisition", "production", "packaging", "upstream_transport")
CONSISTENCY_RTOL = 1e-9


@dataclass(frozen=True, eq=False)
class Result:
    """The cradle-to-gate carbon footprint of one machine (kg CO2e per machine) and its breakdowns."""

    functional_unit: dict
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
    attributions: tuple[dict, ...]  # sources of every dataset in the supply chain, with licence and attribution
    lines: pd.DataFrame  # one row per BOM line's link to a dataset
    nodes: pd.DataFrame  # one row per foreground node
    mass: dict
    coverage: dict
    data_quality: dict
    primary_data_share: float
    data_versions: dict
    warnings: tuple[str, ...] = field(default_factory=tuple)
    intake: pd.DataFrame | None = None  # one row per BOM line: given text, dataset, method, confidence, status
    electricity: pd.DataFrame | None = None  # per grid: kWh of electricity_factory, kg CO2e, sites, stages, lines,
    # and the grid's source, reference year and data-quality ratings
    by_gwp_basis: pd.Series | None = None  # kg CO2e by the GWP set behind it (AR6, AR5, AR4, CO2 only, unknown)
    activity_data_share: float = 0.0  # share of the CFP from lines with primary activity data (weighed, metered)

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

        return {
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
        }

    def write_json(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        return path


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.reset_index().to_json(orient="records", double_precision=15))


def foreground_unit_scores(fg: ForegroundArrays, unit_link_score: np.ndarray, n: int) -> np.ndarray:
    """Cradle-to-gate kg CO2e per unit of every foreground node (one transposed triangular solve).

    The foreground matrix is lower triangular in topological order (inputs come after their consumers).
    """
    direct = np.bincount(fg.link_parent, weights=fg.link_amount * unit_link_score, minlength=n)
    fg_mask = (fg.rows >= fg.node_ids[0]) & (fg.cols >= fg.node_ids[0])
    r = fg.rows[fg_mask] - fg.node_ids[0]
    c = fg.cols[fg_mask] - fg.node_ids[0]
    v = np.where(fg.flip[fg_mask], -fg.values[fg_mask], fg.values[fg_mask])
    lower = sp.csr_matrix((v, (r, c)), shape=(n, n))
    return spsolve_triangular(lower.T.tocsr(), direct, lower=False)


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
    n = len(graph.order)
    cumulative = background.cumulative  # (datasets, flows) kg per reference unit, electricity_factory left free
    factors = method.factors_for(background.flow_keys)
    classes = method.classes_for(background.flow_keys)
    onehot = np.array([[c == k for k in CLASSES] for c in classes], dtype=np.float64).reshape(-1, len(CLASSES))
    unit_by_class = (cumulative * factors) @ onehot  # (datasets, classes) kg CO2e per reference unit
    removal = CLASSES.index("biogenic_removal")
    fe = background.factory_electricity_kwh
    d, g = fg.link_dataset, fg.link_grid
    # per link and reference unit: the dataset's own inventory plus its kWh of electricity_factory from the grid
    # of the site that does the work (pcf/electricity.py)
    link_unit_by_class = unit_by_class[d] + fe[d][:, None] * unit_by_class[g]
    link_unit_score = link_unit_by_class.sum(axis=1) - link_unit_by_class[:, removal]  # excluding biogenic uptake

    spend_by_class = (background.spend_cumulative * factors) @ onehot
    spend_score = spend_by_class.sum(axis=1) - spend_by_class[:, removal]
    link_spend_unit = spend_score[d] + fe[d] * spend_score[g]
    per_machine = solution.supply[fg.link_parent] * fg.link_amount  # reference units of the dataset per machine
    link_kwh = solution.supply[fg.link_parent] * fg.link_kwh  # kWh of electricity_factory per machine
    link_by_class = per_machine[:, None] * link_unit_by_class
    link_score = link_by_class.sum(axis=1) - link_by_class[:, removal]
    by_class = pd.Series(link_by_class.sum(axis=0), index=list(CLASSES))
    total = float(link_score.sum())

    by_gwp_basis = _by_gwp_basis(background, method, factors, classes, per_machine, fg, total)

    # the breakdown must reproduce bw2calc's own score (which counts removals at -1)
    expected = solution.score
    got = total + by_class["biogenic_removal"]
    if abs(got - expected) > CONSISTENCY_RTOL * max(1.0, abs(expected)) * 10:
        raise SolveError(f"contributions ({got!r}) do not add up to the bw2calc score ({expected!r})")

    datasets = background.tables.datasets
    keys = np.asarray(background.keys, dtype=object)
    links = graph.links
    lines = pd.DataFrame(
        {
            "line_id": [link.line_id for link in links],
            "kind": [link.line_kind for link in links],
            "parent": [link.parent for link in links],
            "module": [link.module if link.module is not None else "(shared subassembly)" for link in links],
            "stage": [link.stage for link in links],
            "dataset": keys[reported_datasets(background, d, g)],  # electricity_factory lines as their grid
            "material": [link.material for link in links],
            "data_type": [link.data_type for link in links],
            "bom_quantity": [link.amount_text for link in links],
            "amount_per_machine": per_machine,
            "unit": datasets["unit"].reindex(keys[reported_datasets(background, d, g)]).to_numpy(),
            "kg_co2e": link_score,
            "biogenic_removal_kg_co2e": link_by_class[:, removal],
            "electricity_site": [link.site for link in links],
            "electricity_grid": np.where(link_kwh != 0.0, keys[g], None),
            "electricity_kwh": link_kwh,
            "electricity_reason": [link.grid_reason for link in links],
        }
    )

    by_stage = lines.groupby("stage")["kg_co2e"].sum().reindex(list(STAGES), fill_value=0.0)
    other_stages = sorted(set(lines["stage"]) - set(STAGES))
    if other_stages:
        by_stage = pd.concat([by_stage, lines.groupby("stage")["kg_co2e"].sum().reindex(other_stages)])
    material_key = lines["material"].where(lines["material"].notna(), "(" + lines["kind"] + ": not a material)")
    by_material = lines.groupby(material_key)["kg_co2e"].sum().sort_values(ascending=False)

    # by dataset, with provenance; a line on the electricity_factory placeholder is reported as the grid it used
    shown = reported_datasets(background, d, g)
    dataset_amount = np.bincount(shown, weights=per_machine, minlength=background.size)
    used = np.nonzero(np.bincount(shown, minlength=background.size))[0]
    meta_cols = ["name", "unit", "category", "geography", "reference_year", "pack", "source_title", "licence",
                 "dq_technological", "dq_geographical", "dq_temporal", "dq_completeness", "dq_reliability",
                 "aircraft", "gwp_basis"]
    by_dataset = datasets.loc[keys[used], [c for c in meta_cols if c in datasets.columns]].copy()
    by_dataset.index.name = "dataset"
    dataset_kg = np.bincount(shown, weights=link_score, minlength=background.size)
    by_dataset.insert(0, "amount_per_machine", dataset_amount[used])
    # a link's electricity stays inside its dataset (machining includes its kWh, on the grid of its site)
    unit_free = unit_by_class.sum(axis=1) - unit_by_class[:, removal]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where(dataset_amount[used] != 0, dataset_kg[used] / dataset_amount[used], unit_free[used])
    by_dataset["kg_co2e_per_unit"] = per_unit
    by_dataset["kg_co2e"] = dataset_kg[used]
    by_dataset = by_dataset.sort_values("kg_co2e", ascending=False)

    grid_kwh = np.bincount(g, weights=link_kwh, minlength=background.size)
    own_amount = np.bincount(d, weights=per_machine, minlength=background.size)  # the placeholder's kWh: grid_kwh
    gas_kg = own_amount @ cumulative + grid_kwh @ cumulative
    by_gas = pd.DataFrame(
        {"gas": method.gas.reindex(list(background.flow_keys)).to_numpy(), "ghg_class": classes,
         "kg": gas_kg, "kg_co2e": gas_kg * factors},
        index=pd.Index(list(background.flow_keys), name="flow"),
    )
    by_gas = by_gas[(by_gas["kg"] != 0) | (by_gas["kg_co2e"] != 0)]

    aircraft_mask = datasets["aircraft"].reindex(keys[fg.link_dataset]).fillna(False).to_numpy(dtype=bool)
    aircraft = float(link_score[aircraft_mask].sum())

    # per-node cumulative scores and the module split (top-level children of the machine)
    unit_node = foreground_unit_scores(fg, link_unit_score, n)
    node_kind = [graph.graph.nodes[node].get("kind") for node in graph.order]
    nodes = pd.DataFrame(
        {"kind": node_kind, "supply": solution.supply, "kg_co2e_per_unit": unit_node,
         "kg_co2e": solution.supply * unit_node},
        index=pd.Index(list(graph.order), name="node"),
    )
    fu = graph.functional_unit
    module_parts = {}
    position = {node: i for i, node in enumerate(graph.order)} if len(graph.edges) else {}
    for parent, child, quantity, line_id in graph.edges:
        if parent == fu:
            module_parts[line_id] = module_parts.get(line_id, 0.0) + quantity * unit_node[position[child]]
    direct_fu = lines[lines["parent"] == fu].groupby("module")["kg_co2e"].sum()
    by_module = pd.concat([pd.Series(module_parts, dtype="float64"), direct_fu]).groupby(level=0).sum()
    by_module = by_module.sort_values(ascending=False)

    # PACT v3 primary data share: activity data AND emission factor primary. pcf's only primary emission factors
    # are suppliers' own PCFs, which carry their own primary data share (column primary_data_share, 0-1; unknown
    # counts 0). Weighed and metered lines on background factors are primary activity data only.
    activity = float(link_score[lines["data_type"].to_numpy() == "primary"].sum())
    factor_pds = (pd.to_numeric(datasets["primary_data_share"], errors="coerce").fillna(0.0).clip(0.0, 1.0)
                  .reindex(keys).fillna(0.0).to_numpy() if "primary_data_share" in datasets else
                  np.zeros(background.size))
    primary = float(link_score @ factor_pds[d])
    coverage = _coverage(graph, lines, by_dataset, by_class, total,
                         spend=float(per_machine @ link_spend_unit))
    intake_frame = None
    if intake is not None:
        from .coverage import assess

        assessed = assess(intake.lines, lines, total, cutoff,
                          candidate_intensity=_candidate_intensity(intake.lines, background, unit_by_class, removal))
        intake_frame = intake.lines
        coverage.update({
            "bom_lines": len(intake.lines),
            "unmapped_lines": intake.count("unmapped"),
            "excluded_lines": intake.count("excluded"),
            "estimated_lines": intake.count("estimated"),
            "proxy_lines": intake.count("proxy"),
            "cutoff": assessed.to_dict(),
        })
    return Result(
        functional_unit=_functional_unit(graph),
        method=method.label,
        grid=graph.grid,
        solver=solution.solver,
        total_kg_co2e=total,
        by_class=by_class,
        aircraft_kg_co2e=aircraft,
        by_stage=by_stage,
        by_module=by_module,
        by_material=by_material,
        by_dataset=by_dataset,
        by_gas=by_gas,
        attributions=_attributions(background, list(keys[used]) + sorted(set(keys[g[link_kwh != 0]]) | ({graph.grid} if graph.grid else set()))),
        lines=lines,
        nodes=nodes,
        mass=graph.mass.to_dict(),
        coverage=coverage,
        intake=intake_frame,
        data_quality=_data_quality(by_dataset, total),
        primary_data_share=primary / total if total else 0.0,
        activity_data_share=activity / total if total else 0.0,
        data_versions=_data_versions(background, method),
        electricity=_electricity(lines, background, unit_by_class.sum(axis=1) - unit_by_class[:, removal]),
        by_gwp_basis=by_gwp_basis,
        warnings=tuple(_warnings(graph)) + tuple(
            f"cut-off criteria not met: {v}" for v in coverage.get("cutoff", {}).get("violations", [])),
    )


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


def reported_datasets(background: Background, link_dataset: np.ndarray, link_grid: np.ndarray) -> np.ndarray:
    """The dataset each link is reported under: its own, except a link to the `electricity_factory` placeholder
    (1 kWh of factory electricity, no inventory of its own), which is reported as the grid that supplied it, with
    that grid's source, year and data-quality ratings."""
    if not background.has(FACTORY_ELECTRICITY):
        return link_dataset
    return np.where(link_dataset == background.index(FACTORY_ELECTRICITY), link_grid, link_dataset)


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


def _by_gwp_basis(background: Background, method: Method, factors, classes, per_machine, fg: ForegroundArrays,
                  total: float) -> pd.Series:
    """kg CO2e by GWP basis: gas flows are characterised by the method (its basis); flows given as CO2e carry the
    basis of the dataset that emits them, followed through every supply chain (and the grids folded in)."""
    pre = background.precharacterised_flows
    keep = factors[pre] * (classes[pre] != "biogenic_removal")  # the total excludes biogenic removals
    fe = background.factory_electricity_kwh
    d, g = fg.link_dataset, fg.link_grid
    out: dict[str, float] = {}
    for basis, cumulative in (background.basis_cumulative or {}).items():
        unit = cumulative @ keep
        kg = float(per_machine @ (unit[d] + fe[d] * unit[g]))
        if kg:
            out[basis] = kg
    own = method.ipcc_set
    rest = {own: total - sum(out.values()) + out.pop(own, 0.0)}
    return pd.Series({**rest, **dict(sorted(out.items(), key=lambda kv: -kv[1]))}, dtype="float64")


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


def _coverage(graph, lines, by_dataset, by_class, total, *, spend: float) -> dict:
    counts = lines["kind"].value_counts().to_dict()
    category_share = (by_dataset.groupby("category")["kg_co2e"].sum() / total).to_dict() if total else {}
    return {
        "bom_lines": sum(1 for _ in graph.system.all_lines()),
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


def _data_quality(by_dataset: pd.DataFrame, total: float) -> dict:
    """PACT-style DQRs: averages of the dataset ratings weighted by their share of the footprint."""
    out = {}
    for column, name in (("dq_technological", "technologicalDQR"), ("dq_geographical", "geographicalDQR"),
                         ("dq_temporal", "temporalDQR")):
        if column not in by_dataset:
            continue
        ratings = pd.to_numeric(by_dataset[column], errors="coerce")
        weights = by_dataset["kg_co2e"].clip(lower=0.0).where(ratings.notna(), 0.0)
        if weights.sum() > 0:
            out[name] = float((ratings.fillna(0.0) * weights).sum() / weights.sum())
    rated = by_dataset["kg_co2e"].clip(lower=0.0)
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


def _candidate_intensity(intake: pd.DataFrame, background: Background, unit_by_class: np.ndarray,
                         removal: int) -> dict[str, float]:
    """kg CO2e per kg of every per-kg dataset an ambiguous line could mean (its electricity on the grid of the
    dataset's geography, as for a material), for the cut-off estimate of ambiguous lines."""
    from .electricity import resolver

    names = set()
    for text in intake.get("candidates", pd.Series(dtype=object)).dropna():
        names.update(n.strip() for n in str(text).split(",") if n.strip())
    unit_free = unit_by_class.sum(axis=1) - unit_by_class[:, removal]
    out = {}
    for key in sorted(names):
        if not background.has(key) or background.units.get(key) != "kg":
            continue
        i = background.index(key)
        value = float(unit_free[i])
        kwh = float(background.factory_electricity_kwh[i])
        if kwh:
            home, _ = resolver(background).home_grid(key)
            value += kwh * float(unit_free[background.index(home)]) if background.has(home) else 0.0
        out[key] = value
    return out


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
