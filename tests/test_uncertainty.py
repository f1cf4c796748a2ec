"""Monte Carlo of a footprint on small real systems (conftest.py), checked against hand-computed lognormal results,
the static result and bw2calc's own `use_distributions` path."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
from conftest import AR6, make_tables
from test_engine import BASE

import pcf
from pcf.bom import model_from_data
from pcf.data.background import compile_background
from pcf.graph import build_graph
from pcf.matrices import compile_foreground
from pcf.methods import get_method
from pcf.solve import solve
from pcf.uncertainty.background import uncertain_background
from pcf.uncertainty.distributions import Z95, empty_params
from pcf.uncertainty.foreground import foreground_spreads
from pcf.uncertainty.montecarlo import (
    ForegroundModel,
    compute,
    key_columns,
    sample_background,
)
from pcf.uncertainty.paired import VariantInput, paired_monte_carlo
from pcf.uncertainty.pedigree import CIROTH2016, ECOINVENT3, pedigree_variance
from pcf.uncertainty.reference import bw2calc_monte_carlo
from pcf.uncertainty.run import footprint_monte_carlo


def compiled(data, background):
    system = model_from_data(copy.deepcopy(data))
    method = get_method(background.tables, "AR6")
    graph = build_graph(system, background)
    fg = compile_foreground(graph, background)
    return graph, fg, method, solve(fg, background, method)


def no_process_electricity(data=BASE):
    """BASE without the machining step: bw2calc holds a process's grid kWh fixed (docs/uncertainty.md)."""
    out = copy.deepcopy(data)
    out["items"][0]["children"][0]["processes"] = []
    return out


def test_without_distributions_every_draw_is_the_static_result(tiny_background):
    result = pcf.footprint(model_from_data(copy.deepcopy(BASE)), background=tiny_background)
    graph, fg, method, solution = compiled(BASE, tiny_background)
    mc = footprint_monte_carlo(graph, fg, tiny_background, method, solution.supply, iterations=7, seed=3,
                               background_distributions=False, foreground_distributions=False)
    np.testing.assert_allclose(mc.draws.total, result.total_kg_co2e, rtol=1e-12)
    stages = result.by_stage.reindex(list(mc.draws.stages), fill_value=0.0).to_numpy()
    np.testing.assert_allclose(mc.draws.by_stage, np.tile(stages, (7, 1)), rtol=1e-12, atol=1e-12)


def test_seeded_runs_reproduce_exactly(tiny_background):
    graph, fg, method, solution = compiled(BASE, tiny_background)
    run = lambda seed: footprint_monte_carlo(graph, fg, tiny_background, method, solution.supply,
                                             iterations=50, seed=seed).draws.total
    first, again, other = run(11), run(11), run(12)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_small_spreads_mean_converges_to_the_static_result(tiny_background):
    """All sigmas scaled to 1 % of their pedigree values: the mean of 400 draws is within 0.1 % of the static
    total (lognormal bias exp(sigma^2/2) - 1 < 1e-5 here; standard error of the mean < 2e-4)."""
    graph, fg, method, solution = compiled(BASE, tiny_background)
    ub = uncertain_background(tiny_background)
    tight = lambda p: np.where(p["uncertainty_type"] == 2, p["scale"] * 0.01, p["scale"])
    ub.tech_params["scale"] = tight(ub.tech_params)
    ub.bio_params["scale"] = tight(ub.bio_params)
    spreads = foreground_spreads(graph)
    spreads.link_params["scale"] = tight(spreads.link_params)
    model = ForegroundModel.build(graph, fg, spreads, solution.supply)
    bg = sample_background(ub, tiny_background, method, np.unique(np.r_[fg.link_dataset, fg.link_grid]),
                           iterations=400, seed=5)
    draws = compute(model, bg, key_columns([model]), 5, 400)
    static = pcf.footprint(model_from_data(copy.deepcopy(BASE)), background=tiny_background).total_kg_co2e
    assert draws.total.mean() == pytest.approx(static, rel=1e-3)
    assert draws.total.std() > 0


TWO = {"machine": {"id": "M2", "name": "Two datasets"},
       "items": [{"kind": "component", "id": "S1", "dataset": "steel", "quantity": 2, "unit": "kg"},
                 {"kind": "component", "id": "S2", "dataset": "steel", "quantity": 1, "unit": "kg"},
                 {"kind": "component", "id": "A1", "dataset": "aluminium", "quantity": 1, "unit": "kg"}]}


def test_two_datasets_match_the_analytic_lognormal_result():
    """steel: one CO2 exchange with a stated range [1, 4] kg (2.5/97.5 %); aluminium: one CO2 exchange with range
    [4, 16]. Three lines, two on steel: one draw per dataset, so total = 3 X_s + X_a with X lognormal:
    mu = ln(sqrt(low x high)), sigma = ln(high / low) / (2 x 1.96); E[X] = exp(mu + sigma^2 / 2)."""
    exchanges = [("steel", "biosphere", "co2_fossil", 2.0), ("aluminium", "biosphere", "co2_fossil", 8.0)]
    background = compile_background(make_tables(exchanges), use_disk_cache=False)
    ranges = pd.DataFrame([{"dataset": "steel", "kind": "biosphere", "input": "co2_fossil", "low": 1.0, "high": 4.0,
                            "basis": "test", "file": "t", "row": 2},
                           {"dataset": "aluminium", "kind": "biosphere", "input": "co2_fossil", "low": 4.0,
                            "high": 16.0, "basis": "test", "file": "t", "row": 3}])
    graph, fg, method, solution = compiled(TWO, background)
    spreads = foreground_spreads(graph)
    fixed = type(spreads)(spreads.edge_params, spreads.edge_keys, empty_params(fg.link_amount), spreads.link_keys,
                          spreads.link_source)
    model = ForegroundModel.build(graph, fg, fixed, solution.supply)
    n = 20000
    bg = sample_background(uncertain_background(background, ranges=ranges), background, method,
                           np.unique(np.r_[fg.link_dataset, fg.link_grid]), iterations=n, seed=1)
    draws = compute(model, bg, key_columns([model]), 1, n)
    sigma = math.log(4.0) / (2 * Z95)
    mean_s, mean_a = 2.0 * math.exp(sigma ** 2 / 2), 8.0 * math.exp(sigma ** 2 / 2)
    var_s = (math.exp(sigma ** 2) - 1) * mean_s ** 2
    var_a = (math.exp(sigma ** 2) - 1) * mean_a ** 2
    mean, sd = 3 * mean_s + mean_a, math.sqrt(9 * var_s + var_a)
    assert draws.total.mean() == pytest.approx(mean, abs=4 * sd / math.sqrt(n))
    assert draws.total.std() == pytest.approx(sd, rel=0.03)
    # the steel lines move together: steel's part of every draw is exactly 3 x its drawn intensity
    steel = draws.dataset_intensity[:, list(draws.used_datasets).index(background.index("steel"))]
    alu = draws.dataset_intensity[:, list(draws.used_datasets).index(background.index("aluminium"))]
    np.testing.assert_allclose(draws.total, 3 * steel + alu, rtol=1e-12)
    # steel's intensity: the range's percentiles
    assert np.percentile(steel, [2.5, 97.5]) == pytest.approx([1.0, 4.0], rel=0.05)


def test_background_draws_are_bw2calcs_own_draws(tiny_background):
    """Foreground amounts fixed: every draw equals bw2calc's score with use_distributions=True and the same seed
    (its stats_arrays generators, its matrices, its solver), biogenic removals included as bw2calc counts them."""
    data = no_process_electricity()
    graph, fg, method, solution = compiled(data, tiny_background)
    ub = uncertain_background(tiny_background)
    reference = bw2calc_monte_carlo(fg, tiny_background, method, ub, iterations=25, seed=42)
    mc = footprint_monte_carlo(graph, fg, tiny_background, method, solution.supply, iterations=25, seed=42,
                               foreground_distributions=False)
    assert len(set(np.round(reference, 6))) > 20  # the draws vary
    np.testing.assert_allclose(mc.draws.total_with_removals, reference, rtol=1e-6)  # float32 parameters


def test_foreground_draws_agree_with_bw2calc_statistically(tiny_background):
    """With the foreground's distributions drawn by bw2calc itself (not common random numbers): mean within four
    standard errors, and a two-sample Kolmogorov-Smirnov test does not reject equal distributions at the 1 % level
    (300 draws each; both paths are seeded, so the test is deterministic)."""
    from scipy.stats import ks_2samp

    data = no_process_electricity()
    data.pop("energy")
    graph, fg, method, solution = compiled(data, tiny_background)
    ub = uncertain_background(tiny_background)
    n = 300
    reference = bw2calc_monte_carlo(fg, tiny_background, method, ub, iterations=n, seed=9,
                                    spreads=foreground_spreads(graph))
    ours = footprint_monte_carlo(graph, fg, tiny_background, method, solution.supply, iterations=n,
                                 seed=9).draws.total_with_removals
    se = math.sqrt(reference.var() / n + ours.var() / n)
    assert abs(reference.mean() - ours.mean()) < 4 * se
    assert ks_2samp(ours, reference).pvalue > 0.01


def test_a_variant_paired_with_itself_differs_by_zero_in_every_draw(tiny_background):
    graph, fg, method, solution = compiled(BASE, tiny_background)
    lighter = copy.deepcopy(BASE)
    lighter["packaging"][0]["mass_kg"] = 5
    g2, fg2, _, s2 = compiled(lighter, tiny_background)
    variants = [VariantInput("base", graph, fg, solution.supply, tiny_background),
                VariantInput("same", graph, fg, solution.supply, tiny_background),
                VariantInput("lighter crate", g2, fg2, s2.supply, tiny_background)]
    paired = paired_monte_carlo(variants, method, iterations=200, seed=4)
    assert np.all(paired.delta("same", "base") == 0.0)
    assert paired.probability_lower("same", "base") == 0.0
    # only the crate differs: 5 kg less wood at 0.3 kg CO2e/kg static, and the lighter crate is always lower
    delta = paired.delta("lighter crate", "base")
    assert np.all(delta < 0)
    assert paired.probability_lower("lighter crate", "base") == 1.0
    assert np.median(delta) == pytest.approx(-5 * 0.3, rel=0.05)
    # the three variants have the same line keys: the base's paired draws are its draws run alone
    alone = footprint_monte_carlo(graph, fg, tiny_background, method, solution.supply, iterations=200, seed=4)
    np.testing.assert_array_equal(paired.totals("base"), alone.draws.total)


def test_pedigree_tables_are_the_published_values():
    # Weidema et al. 2013: a dataset rated 1 everywhere adds nothing; the worst scores add their variances
    assert pedigree_variance({k: 1 for k in ECOINVENT3}) == 0.0
    assert pedigree_variance({k: 5 for k in ECOINVENT3}) == pytest.approx(0.04 + 0.008 + 0.04 + 0.002 + 0.12)
    # a missing rating counts as 5
    assert pedigree_variance({"reliability": None, "completeness": 1, "temporal": 1, "geographical": 1,
                              "technological": 1}) == pytest.approx(0.04)
    # Ciroth et al. 2016: technological score 5 has U = 2.80, variance (ln 2.80)^2 / 4
    assert CIROTH2016["technological"][4] == pytest.approx(math.log(2.80) ** 2 / 4)
    assert CIROTH2016["reliability"][4] == ECOINVENT3["reliability"][4]  # "not available" in the paper


def test_stated_ranges_shipped_with_the_components_pack_are_used():
    from pcf.data.background import default_background

    background = default_background()
    ub = uncertain_background(background)
    assert (ub.tech_source == "range").sum() == 5  # the five spend-based components' price ranges


def test_energy_parameters_are_drawn_once_for_both_designs_and_get_sobol_indices():
    """The comparator's own example with the embodied footprints fixed (no engine run): reproducible for a seed,
    both designs evaluated with the same draw (the paired balance equals the comparator's own balance for that
    draw), and a Sobol' index for every named parameter."""
    from pcf.energy import compare
    from pcf.energy.readers import read_config
    from pcf.uncertainty.energy import energy_uncertainty

    config = read_config("bill_of_materials/energy/compare_one_machine.yaml")
    embodied = {key: 20000.0 for key in config.designs()} | {"candidate": 22000.0}
    first = energy_uncertainty(config, embodied, iterations=12, seed=3, sobol_samples=4)
    again = energy_uncertainty(config, embodied, iterations=12, seed=3, sobol_samples=4)
    assert np.array_equal(first.net_t_co2e, again.net_t_co2e)
    assert 0.0 <= first.probability_candidate_lower <= 1.0
    assert set(first.sobol["label"]) == set(first.labels)
    # draw 0 by hand: every parameter set to its drawn value, then one comparison of both designs
    from pcf.energy.sensitivity import resolved, varied
    from pcf.uncertainty.energy import _integers

    # the numeric parameters are drawn; categorical ones (baseline type, protocol) stay at the configuration's own
    numeric = [q for q in (resolved(config, p) for p in config.sensitivity)
               if not isinstance(q.low, str) and q.low != q.high]
    assert len(numeric) == len(first.labels) < len(config.sensitivity)
    rng = np.random.default_rng([3, 16])
    low = np.array([p.low for p in numeric])
    high = np.array([p.high for p in numeric])
    row = low + (high - low) * rng.random((12, len(low)))[0]
    cfg, emb = config, dict(embodied)
    for p, value, whole in zip(numeric, row, _integers(config, numeric)):
        cfg, emb = varied(cfg, emb, p.path, int(round(value)) if whole else float(value))
    assert first.net_t_co2e[0] == pytest.approx(compare(cfg, emb).line_savings.net_lifetime_kg_co2e / 1000, rel=1e-12)


def test_dqr_aggregation_matches_a_hand_computed_example():
    """2 kg steel (2 + 0.01 x 29.8 = 2.298 kg CO2e/kg -> 4.596) and 1 kg aluminium (8.5): DQR_k = sum w r / sum w
    over the datasets rated on k, w = each dataset's kg CO2e."""
    from pcf.data.tables import tables_from_frames

    base = make_tables()
    datasets = base.datasets.reset_index(drop=True).copy()
    ratings = {"steel": (1, 2, 3, 4, None), "aluminium": (5, 4, 1, 2, 3)}
    for key, (tech, geo, temporal, completeness, reliability) in ratings.items():
        row = datasets["key"] == key
        datasets.loc[row, ["dq_technological", "dq_geographical", "dq_temporal", "dq_completeness",
                           "dq_reliability"]] = [tech, geo, temporal, completeness, reliability]
    tables = tables_from_frames(flows=base.flows.reset_index(drop=True), datasets=datasets,
                                exchanges=base.exchanges, sources=base.sources, methods=base.methods, origin="tests")
    background = compile_background(tables, use_disk_cache=False)
    data = {"machine": {"id": "M3", "name": "DQR"},
            "items": [{"kind": "component", "id": "S", "dataset": "steel", "quantity": 2, "unit": "kg"},
                      {"kind": "component", "id": "A", "dataset": "aluminium", "quantity": 1, "unit": "kg"}]}
    dq = pcf.footprint(model_from_data(data), background=background).data_quality
    steel, alu = 2 * (2.0 + 0.01 * AR6["ch4_fossil"]), 8.5
    total = steel + alu
    assert dq["technologicalDQR"] == pytest.approx((steel * 1 + alu * 5) / total)
    assert dq["geographicalDQR"] == pytest.approx((steel * 2 + alu * 4) / total)
    assert dq["temporalDQR"] == pytest.approx((steel * 3 + alu * 1) / total)
    assert dq["completenessDQR"] == pytest.approx((steel * 4 + alu * 2) / total)
    assert dq["reliabilityDQR"] == pytest.approx(3.0)  # only aluminium is rated
    assert dq["reliability_unrated_share"] == pytest.approx(steel / total)


def test_a_stated_spread_on_a_bom_line():
    """A component line with range [1.5, 3] kg on its stated 2 kg: lognormal with median sqrt(1.5 x 3) / 2 times the
    link amount and sigma ln(3 / 1.5) / 3.92; a bad range is refused when the BOM is read."""
    from pcf.bom.models import Spread
    from pcf.errors import BomError

    data = copy.deepcopy(TWO)
    data["items"][0]["uncertainty"] = {"distribution": "lognormal", "range": [1.5, 3.0]}
    data["items"][2]["uncertainty"] = {"distribution": "triangular", "range": [0.5, 2.0]}
    background = compile_background(make_tables(), use_disk_cache=False)
    graph, fg, _, _ = compiled(data, background)
    spreads = foreground_spreads(graph)
    row = spreads.link_params[0]
    assert spreads.link_source[0] == "user"
    assert math.exp(row["loc"]) == pytest.approx(math.sqrt(1.5 * 3.0))  # 2 kg line, link amount 2 kg
    assert row["scale"] == pytest.approx(math.log(2.0) / (2 * Z95))
    tri = spreads.link_params[2]
    assert (tri["uncertainty_type"], tri["minimum"], tri["loc"], tri["maximum"]) == (5, 0.5, 1.0, 2.0)
    with pytest.raises(ValueError, match="low must be smaller"):
        Spread(distribution="uniform", range=(2.0, 1.0))
    with pytest.raises(ValueError, match="gsd is a lognormal spread"):
        Spread(distribution="normal", gsd=1.2)
    bad = copy.deepcopy(TWO)
    bad["items"][2]["uncertainty"] = {"distribution": "triangular", "range": [2.0, 3.0]}
    with pytest.raises(BomError, match="does not contain the stated value"):
        foreground_spreads(compiled(bad, background)[0])


def test_a_supplier_figure_with_a_spread_is_drawn_from_it():
    """A supplier's 10 kg CO2e per piece with gsd 1.3: its dataset's exchanges are lognormal with sigma ln 1.3."""
    from pcf.engine import prepare
    from pcf.uncertainty.run import supplier_spreads

    data = {"machine": {"id": "M4", "name": "Supplier"},
            "items": [{"kind": "component", "id": "MOT", "dataset": "motor", "quantity": 2,
                       "supplier_footprint": {"kg_co2e_per_unit": 10.0, "source": "supplier declaration",
                                              "reference_period_start": "2024-01-01",
                                              "reference_period_end": "2024-12-31",
                                              "uncertainty": {"gsd": 1.3}}}]}
    background = compile_background(make_tables(), use_disk_cache=False)
    system, _intake, extended, _notes = prepare(model_from_data(data), background)
    graph = build_graph(system, extended)
    spreads = supplier_spreads(graph)
    assert set(spreads) == {"supplier:MOT"}
    ub = uncertain_background(extended, supplier_spreads=spreads)
    col = extended.index("supplier:MOT") + 1
    mine = ub.bio_indices["col"] == col
    assert mine.any() and np.all(ub.bio_source[mine] == "user")
    assert np.allclose(ub.bio_params["scale"][mine & (ub.bio_params["uncertainty_type"] == 2)], math.log(1.3))


def test_a_monte_carlo_run_reaches_the_json_report_workbook_and_pact_comment(tiny_background, tmp_path):
    import json

    from openpyxl import load_workbook

    from pcf.pact import ExportOptions, to_pact_v3
    from pcf.report import write_workbook
    from pcf.report.content import build_content

    data = copy.deepcopy(BASE)
    data["machine"].update({"manufacturer": "Test maker", "reference_year": 2024})
    result = pcf.footprint(model_from_data(data), background=tiny_background, uncertainty=60, seed=2)
    document = json.loads(json.dumps(result.to_dict()))
    mc = document["uncertainty"]
    assert mc["iterations"] == 60 and mc["seed"] == 2
    assert mc["static_total_kg_co2e"] == pytest.approx(result.total_kg_co2e)
    assert mc["total_kg_co2e"]["p2_5"] < mc["total_kg_co2e"]["median"] < mc["total_kg_co2e"]["p97_5"]
    assert sum(mc["total_kg_co2e"]["histogram"]["counts"]) == 60
    assert set(mc["by_stage"]) <= set(result.by_stage.index)
    assert mc["sensitivity"]["drivers"]
    section = next(s for s in build_content(result).sections if s.id == "uncertainty")
    assert any("Monte Carlo, 60 iterations, seed 2" in p for p in section.paragraphs)
    assert any("drive 90 %" in t.caption for t in section.tables)
    from pcf.labels import STAGE_LABELS

    stats = next(t for t in section.tables if t.caption == "kg CO2e per machine")
    stage_rows = {row[0]: row for row in stats.rows[1:]}  # the stages carry the report's own stage names
    assert set(stage_rows) == {STAGE_LABELS[s] for s in mc["by_stage"]}
    for stage, values in mc["by_stage"].items():
        assert stage_rows[STAGE_LABELS[stage]][3] == f"{values['median']:,.1f}"
    book = load_workbook(write_workbook(result, tmp_path / "r.xlsx"))
    assert {"Uncertainty", "MC histogram", "Sensitivity"} <= set(book.sheetnames)
    comment = to_pact_v3(result, ExportOptions())["comment"]
    assert "Monte Carlo (60 iterations, seed 2" in comment
    assert "Data quality ratings weighted by contribution" in comment


def test_cli_footprint_with_uncertainty_writes_the_draws_statistics(tmp_path):
    """`pcf footprint BOM --uncertainty 30 --seed 5 --json OUT` on a two-line BOM over the shipped data."""
    import json

    from pcf import cli

    bom = tmp_path / "two.yaml"
    bom.write_text("machine: {id: T2, name: Two lines}\n"
                   "items:\n"
                   "  - {kind: component, id: plate, dataset: steel_plate_cn, quantity: 10, unit: kg,\n"
                   "     uncertainty: {distribution: uniform, range: [9, 11]}}\n"
                   "  - {kind: component, id: sheet, dataset: aluminium_sheet_cn, quantity: 2, unit: kg}\n",
                   encoding="utf-8")
    out = tmp_path / "r.json"
    assert cli.main(["footprint", str(bom), "--uncertainty", "30", "--seed", "5", "--json", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    mc = doc["uncertainty"]
    assert (mc["iterations"], mc["seed"], mc["pedigree"]) == (30, 5, "ecoinvent3")
    assert mc["static_total_kg_co2e"] == pytest.approx(doc["total_kg_co2e"])
    assert mc["spread_sources"]["foreground"] == {"user": 1, "pedigree": 1}
    assert {r["input"] for r in mc["sensitivity"]["inputs"]} >= {"dataset steel_plate_cn",
                                                                  "dataset aluminium_sheet_cn"}


def test_a_spreadsheet_bom_states_a_lognormal_spread_in_a_gsd_column(tmp_path):
    from pcf.bom.readers import read_bom
    from pcf.errors import BomError

    path = tmp_path / "bom.csv"
    path.write_text("level,id,name,material,mass,qty,GSD\n1,P1,Plate,steel_plate_cn,10,2,1.3\n"
                    "1,P2,Bar,steel_plate_cn,5,1,\n", encoding="utf-8")
    lines = {line.id: line for line in read_bom(path).all_lines()}
    assert (lines["P1"].uncertainty.distribution, lines["P1"].uncertainty.gsd) == ("lognormal", 1.3)
    assert lines["P2"].uncertainty is None
    path.write_text("level,id,name,material,mass,qty,GSD\n1,P1,Plate,steel_plate_cn,10,2,0.5\n", encoding="utf-8")
    with pytest.raises(BomError, match="outside 1-100") as caught:
        read_bom(path)
    assert caught.value.row == 2 and caught.value.column == "GSD"


def _compare_base(tiny_background, spread_on_ref: bool):
    from test_compare import BOM

    from pcf.compare import compile_base

    data = copy.deepcopy(BOM)
    if spread_on_ref:  # an uncertain piece count: supplies are drawn per iteration
        data["items"][2]["uncertainty"] = {"distribution": "lognormal", "gsd": 1.3}
    return compile_base(model_from_data(data), tiny_background)


@pytest.mark.parametrize("spread_on_ref", [False, True])
def test_fast_paired_path_equals_the_slow_path_draw_for_draw(tiny_background, spread_on_ref):
    """The design comparator's fast paired path (the base drawn once, each variant only where it differs) gives
    every variant the draws of its graph rebuilt and drawn in full (the slow path), within 1e-9 relative."""
    from test_compare import EDITS

    from pcf.compare import Variant, compare
    from pcf.uncertainty.compare import comparison_monte_carlo, variant_inputs

    base = _compare_base(tiny_background, spread_on_ref)
    variants = [Variant.model_validate({"name": name, "edits": edits}) for name, edits in sorted(EDITS.items())]
    variants.append(Variant.model_validate({"name": "identity", "edits": []}))
    comparison = compare(base, variants)
    fast = comparison_monte_carlo(base, variants, iterations=60, seed=5)
    slow = paired_monte_carlo(variant_inputs(base, comparison), base.method, iterations=60, seed=5)
    assert fast.names == slow.names
    for name in fast.names:
        np.testing.assert_allclose(fast.totals(name), slow.totals(name), rtol=1e-9, err_msg=name)
        f, s = fast.draws[fast.names.index(name)], slow.draws[slow.names.index(name)]
        np.testing.assert_allclose(f.total_with_removals, s.total_with_removals, rtol=1e-9, err_msg=name)
        for k, stage in enumerate(f.stages):
            if stage in s.stages:
                np.testing.assert_allclose(f.by_stage[:, k], s.by_stage[:, s.stages.index(stage)], rtol=1e-9,
                                           atol=1e-9 * np.abs(s.total).max(), err_msg=f"{name} {stage}")
    # a variant that changes nothing is the base in every draw; lines a variant leaves alone cancel exactly
    assert np.all(fast.delta("identity", "base") == 0.0)
    assert np.all(fast.delta("base", "base") == 0.0)
    # the packaging swap leaves the frame, motor and subassembly lines alone: only the packaging stage moves
    k = fast.draws[0].stages.index("packaging")
    swap = fast.draws[fast.names.index("swap packaging")]
    others = [j for j in range(len(swap.stages)) if j != k]
    np.testing.assert_array_equal(swap.by_stage[:, others], fast.draws[0].by_stage[:, others])


def test_sobol_indices_of_scenario_parameters_hand_checked(tiny_background):
    """F2's mass = $a (a range 1..9 kg): the CFP is linear in a (STEEL kg CO2e per kg); $b sets the motors' mass
    per piece, which the per-piece motor dataset does not use: the CFP does not depend on it. So S1(a) = ST(a) = 1
    and S1(b) = ST(b) = 0 (exactly 0 for ST: every pair of points differing in b alone gives the same CFP); the
    mean CFP is the base's with F2 at the middle of its range, 5 kg, and the standard deviation STEEL x 8 / sqrt(12)."""
    from test_compare import STEEL

    from pcf.compare import ScenarioFile
    from pcf.uncertainty.sobol import scenario_sobol

    base = _compare_base(tiny_background, False)
    scenarios = ScenarioFile.model_validate({
        "parameters": {"a": {"range": {"start": 1, "stop": 9, "step": 4}, "unit": "kg"},
                       "b": {"values": [1, 2, 4, 8]}},
        "variants": [{"name": "F2 {a} kg, motor {b} kg", "edits": [
            {"op": "set", "match": {"ids": ["F2"]}, "values": {"mass_kg": "$a"}},
            {"op": "set", "match": {"ids": ["MOTOR"]}, "values": {"mass_kg": "$b"}}]},
            {"name": "fixed", "edits": [{"op": "scale", "match": {"ids": ["F1"]}, "factors": {"mass_kg": 0.5}}]}]})
    [result] = scenario_sobol(base, scenarios, samples=256, seed=1)
    assert result.evaluations == 256 * (2 + 2)
    rows = result.table.set_index("parameter")
    assert rows.at["a", "S1"] == pytest.approx(1.0, abs=0.05)
    assert rows.at["a", "ST"] == pytest.approx(1.0, abs=0.05)
    assert abs(rows.at["b", "S1"]) < 0.02
    assert rows.at["b", "ST"] == 0.0
    assert (rows.at["a", "sampled"], rows.at["b", "sampled"]) == ("uniform", "one of 1, 2, 4, 8")
    base_total = base.result.total_kg_co2e
    assert result.mean_kg_co2e == pytest.approx(base_total + (5 - 5) * STEEL, rel=0.01)
    assert result.sd_kg_co2e == pytest.approx(STEEL * 8 / math.sqrt(12), rel=0.03)


def test_cli_compare_with_uncertainty_and_sobol_writes_json_markdown_and_workbook(tmp_path):
    import json

    from openpyxl import load_workbook

    from pcf.cli import main

    out = tmp_path / "c.json"
    code = main(["compare", "bill_of_materials/formation_grading_machine.yaml", "--scenarios",
                 "bill_of_materials/scenarios/frame_material.yaml", "--uncertainty", "40", "--sobol",
                 "--sobol-samples", "8", "--json", str(out), "--markdown", str(tmp_path / "c.md"),
                 "--xlsx", str(tmp_path / "c.xlsx")])
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["uncertainty"]["iterations"] == 40
    [sobol] = data["sobol"]  # one variant spec uses al_mass_factor (values 0.4, 0.5)
    assert sobol["parameters"][0]["parameter"] == "al_mass_factor"
    assert sobol["evaluations"] == 8 * 3
    # one parameter: it explains all the variance
    assert sobol["parameters"][0]["ST"] == pytest.approx(1.0, abs=0.3)
    text = (tmp_path / "c.md").read_text(encoding="utf-8")
    assert "## Uncertainty of the comparison" in text and "## Sobol' indices of the parameters" in text
    assert {"Paired Monte Carlo", "Sobol indices"} <= set(load_workbook(tmp_path / "c.xlsx").sheetnames)


def test_an_asymmetric_stated_range_keeps_the_static_value_as_its_median():
    """steel emits 2 kg CO2 per kg with a stated range [1, 8] (geometric middle 2.83): the draws' median is the
    static 2, their width the range's: 2.5 / 97.5 percentiles 2 / sqrt(8) and 2 x sqrt(8)."""
    exchanges = [("steel", "biosphere", "co2_fossil", 2.0), ("aluminium", "biosphere", "co2_fossil", 8.0)]
    background = compile_background(make_tables(exchanges), use_disk_cache=False)
    ranges = pd.DataFrame([{"dataset": "steel", "kind": "biosphere", "input": "co2_fossil", "low": 1.0, "high": 8.0,
                            "basis": "test", "file": "t", "row": 2}])
    method = get_method(background.tables, "AR6")
    bg = sample_background(uncertain_background(background, ranges=ranges), background, method,
                           [background.index("steel")], iterations=20000, seed=2)
    steel = bg.score[:, list(bg.datasets).index(background.index("steel"))]
    assert np.median(steel) == pytest.approx(2.0, rel=0.02)
    assert np.percentile(steel, [2.5, 97.5]) == pytest.approx([2 / math.sqrt(8), 2 * math.sqrt(8)], rel=0.05)
