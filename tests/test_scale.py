"""A synthetic 1,000-line BOM: the bw2calc score against an independent scipy spsolve of the same system."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

import pcf
from pcf.bom import model_from_data
from pcf.graph import build_graph
from pcf.matrices import compile_foreground
from pcf.methods import get_method
from pcf.synthetic import synthetic_bom


def test_synthetic_1000_lines_matches_an_independent_spsolve(tiny_background):
    bg = tiny_background
    data = synthetic_bom(bg, 1000, seed=7, grid="grid_a")
    system = model_from_data(data)
    assert sum(1 for _ in system.all_lines()) >= 1000
    result = pcf.footprint(system, background=bg)

    # independent: one square matrix of foreground + unit-process background, built here from the tables
    graph = build_graph(system, bg)
    fg = compile_foreground(graph, bg)
    n_fg, n_bg = len(fg.node_ids), bg.size
    pos = {int(i): k for k, i in enumerate(fg.node_ids)}
    pos.update({int(i): n_fg + k for k, i in enumerate(bg.dataset_ids)})
    rows = [pos[int(r)] for r in fg.rows]
    cols = [pos[int(c)] for c in fg.cols]
    vals = list(np.where(fg.flip, -fg.values, fg.values))
    ex = bg.tables.exchanges
    index = {k: n_fg + i for i, k in enumerate(bg.keys)}
    for r in ex[ex["kind"] == "technosphere"].itertuples():
        rows.append(index[r.input]); cols.append(index[r.dataset]); vals.append(-r.amount)
    for i in range(n_bg):
        rows.append(n_fg + i); cols.append(n_fg + i); vals.append(1.0)
    rows.append(index["grid_a"]); cols.append(index["electricity_factory"]); vals.append(-1.0)
    A = sp.csc_matrix((vals, (rows, cols)), shape=(n_fg + n_bg, n_fg + n_bg))
    factors = get_method(bg.tables).factors_for(bg.flow_keys)
    bio = ex[ex["kind"] == "biosphere"]
    flow_index = {k: i for i, k in enumerate(bg.flow_keys)}
    score_per_unit = np.zeros(n_fg + n_bg)
    for r in bio.itertuples():
        if r.input != "co2_uptake":  # the headline total excludes biogenic uptake
            score_per_unit[index[r.dataset]] += r.amount * factors[flow_index[r.input]]
    demand = np.zeros(n_fg + n_bg)
    demand[0] = 1.0
    supply = spsolve(A, demand)
    assert result.total_kg_co2e == pytest.approx(float(score_per_unit @ supply), rel=1e-9)
    assert result.by_stage.sum() == pytest.approx(result.total_kg_co2e, rel=1e-12)
    assert result.by_module.sum() == pytest.approx(result.total_kg_co2e, rel=1e-12)
