"""`TreeLCA` and `solve` against stock bw2calc: caches that follow the matrix values, the LU fallback for a
foreground with a loop, the characterisation cache, and the `SolveError` paths. Real bw2calc, no mocks."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

import pcf
from pcf._brightway import bw2calc as bc
from pcf._brightway import bw_processing as bwp
from pcf.bom import model_from_data
from pcf.errors import SolveError
from pcf.graph import build_graph
from pcf.matrices import compile_foreground
from pcf.methods import get_method
from pcf.solve import TreeLCA, _characterization_cached, solve

STEEL = 2.0 + 0.01 * 29.8  # kg CO2e per kg (conftest's steel)
SMALL = {"machine": {"id": "M", "name": "m"}, "items": [{"kind": "assembly", "id": "A", "quantity": 2, "children": [
    {"kind": "part", "id": "P", "material": "steel", "mass_kg": 3, "quantity": 1}]}]}  # 2 x 3 kg of steel


def _idx(rows, cols):
    out = np.zeros(len(rows), dtype=bwp.INDICES_DTYPE)
    out["row"], out["col"] = rows, cols
    return out


def _packages(part_amounts):
    """Machine 1 takes `part_amounts` parts 2 (one value set per column); a part takes 3 kg of steel (100)."""
    dp = bwp.create_datapackage(sequential=True)
    dp.add_persistent_vector(matrix="technosphere_matrix", name="production", indices_array=_idx([1, 2, 100], [1, 2, 100]),
                             data_array=np.ones(3), flip_array=np.zeros(3, dtype=bool))
    dp.add_persistent_vector(matrix="technosphere_matrix", name="steel", indices_array=_idx([100], [2]),
                             data_array=np.array([3.0]), flip_array=np.ones(1, dtype=bool))
    dp.add_persistent_array(matrix="technosphere_matrix", name="parts", indices_array=_idx([2], [1]),
                            data_array=np.array([part_amounts], dtype=np.float64), flip_array=np.ones(1, dtype=bool))
    dp.add_persistent_vector(matrix="biosphere_matrix", name="steel-co2e", indices_array=_idx([1000], [100]),
                             data_array=np.array([STEEL]))
    dp.add_persistent_vector(matrix="characterization_matrix", name="gwp", indices_array=_idx([1000], [0]),
                             data_array=np.array([1.0]), global_index=0)
    return [dp]


def _pair(part_amounts):
    tree = TreeLCA({1: 1}, data_objs=_packages(part_amounts), use_arrays=True, order_ids=np.array([1, 2]))
    stock = bc.LCA({1: 1}, data_objs=_packages(part_amounts), use_arrays=True)
    for lca in (tree, stock):
        lca.lci()
        lca.lcia()
    return tree, stock


def test_next_on_an_array_datapackage_follows_the_new_values():
    tree, stock = _pair([4.0, 2.0, 5.0])
    assert tree.score == stock.score == pytest.approx(4 * 3 * STEEL)  # 27.576
    perm = tree._permutation()
    for amount in (2.0, 5.0):
        next(tree)
        next(stock)
        # before the fix TreeLCA kept its first permuted matrix: 27.576 where stock bw2calc gave 13.788
        assert tree.score == pytest.approx(stock.score, rel=1e-12)
        assert tree.score == pytest.approx(amount * 3 * STEEL, rel=1e-12)
    assert tree._permutation() is perm  # the structure is cached, only the values are refreshed
    assert tree._lower() is not None  # and the triangular path is still the one used


@pytest.mark.parametrize("factorize", [False, True])
def test_values_edited_in_place_or_replaced_are_solved_again(factorize):
    tree, _ = _pair([4.0, 2.0])
    if factorize:
        tree.lci(factorize=True)
    matrix = tree.technosphere_matrix
    row, col = tree.dicts.product[2], tree.dicts.activity[1]
    matrix[row, col] = -1.5  # an existing entry: same structure, new value
    tree.lci()
    tree.lcia()
    fresh = bc.LCA({1: 1}, data_objs=_packages([1.5, 1.5]), use_arrays=True)
    fresh.lci()
    fresh.lcia()
    assert tree.score == pytest.approx(fresh.score, rel=1e-12) == pytest.approx(1.5 * 3 * STEEL)

    tree.technosphere_matrix = matrix * 1.0  # a new matrix object: the machine now takes 1 part per part
    tree.technosphere_matrix[row, col] = -1.0
    tree.lci()
    tree.lcia()
    assert tree.score == pytest.approx(3 * STEEL, rel=1e-12)


def test_a_stock_factorisation_is_dropped_when_the_values_change():
    """A loop (each part takes 0.1 machines): not triangular, so bw2calc's LU is used, and refactorised after edits."""
    def looped(amount):
        packages = _packages([amount, amount])
        packages[0].add_persistent_vector(matrix="technosphere_matrix", name="loop", indices_array=_idx([1], [2]),
                                          data_array=np.array([0.1]), flip_array=np.ones(1, dtype=bool))
        return packages

    tree = TreeLCA({1: 1}, data_objs=looped(4.0), use_arrays=True, order_ids=np.array([1, 2]))
    tree.lci(factorize=True)
    tree.lcia()
    assert tree._lower() is None and hasattr(tree, "solver")
    assert tree.score == pytest.approx(4 * 3 * STEEL / (1 - 0.4), rel=1e-12)  # x_M = 1 + 0.1 * 4 x_M
    tree.technosphere_matrix[tree.dicts.product[2], tree.dicts.activity[1]] = -2.0
    tree.lci()
    tree.lcia()
    stock = bc.LCA({1: 1}, data_objs=looped(2.0), use_arrays=True)
    stock.lci()
    stock.lcia()
    assert tree.score == pytest.approx(stock.score, rel=1e-12) == pytest.approx(2 * 3 * STEEL / (1 - 0.2))


def _foreground(background, data=SMALL):
    return compile_foreground(build_graph(model_from_data(data), background), background)


def _with_loop(fg, amount):
    """The assembly (node 1) also takes `amount` machines (node 0): a foreground loop, not triangular."""
    return dataclasses.replace(fg, rows=np.append(fg.rows, fg.node_ids[0]), cols=np.append(fg.cols, fg.node_ids[1]),
                               values=np.append(fg.values, amount), flip=np.append(fg.flip, True))


def test_a_foreground_loop_falls_back_to_the_bw2calc_lu_solver(tiny_background):
    method = get_method(tiny_background.tables)
    fg = _foreground(tiny_background)
    assert solve(fg, tiny_background, method).score == pytest.approx(2 * 3 * STEEL, rel=1e-12)  # 13.788
    looped = _with_loop(fg, 0.25)  # x_M = 1 + 0.25 x_A, x_A = 2 x_M  =>  x_M = 2
    structured = solve(looped, tiny_background, method, solver="structured")
    brightway = solve(looped, tiny_background, method, solver="brightway")
    assert structured.lca._lower() is None  # not triangular: bw2calc's own solver did the work
    assert structured.supply == pytest.approx([2.0, 4.0, 4.0], rel=1e-12)
    assert structured.score == pytest.approx(brightway.score, rel=1e-12) == pytest.approx(4 * 3 * STEEL)


def test_singular_systems_raise_solve_error(tiny_background):
    method = get_method(tiny_background.tables)
    fg = _foreground(tiny_background)
    no_output = dataclasses.replace(fg, values=np.where(np.arange(len(fg.values)) == 1, 0.0, fg.values))
    singular_loop = _with_loop(fg, 0.5)  # x_M = 1 + 0.5 * 2 x_M has no solution
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy's MatrixRankWarning on the way to the error
        for bad, solver in ((no_output, "structured"), (no_output, "brightway"),
                            (singular_loop, "structured"), (singular_loop, "brightway")):
            with pytest.raises(SolveError, match="could not be solved"):
                solve(bad, tiny_background, method, solver=solver)


def test_unknown_solver_is_a_solve_error(tiny_background):
    with pytest.raises(SolveError, match="unknown solver 'lu'"):
        solve(_foreground(tiny_background), tiny_background, get_method(tiny_background.tables), solver="lu")


def test_characterisation_cache_hits_across_calls(tiny_background):
    """Keyed on (content hash, method name): `get_method` builds a new Method per footprint, the cache still hits."""
    pcf.footprint(model_from_data(SMALL), background=tiny_background)
    hits = _characterization_cached.cache_info().hits
    result = pcf.footprint(model_from_data(SMALL), background=tiny_background)
    assert _characterization_cached.cache_info().hits == hits + 1
    assert result.total_kg_co2e == pytest.approx(2 * 3 * STEEL, rel=1e-12)
