"""`--uncertainty N [--seed S] [--pedigree SET]` of `pcf footprint` and `pcf compare`: options and printing."""

from __future__ import annotations

from rich.table import Table

from .cli_options import positive_int

PEDIGREE_SETS = ("ecoinvent3", "ciroth2016")
SPARK = " ▁▂▃▄▅▆▇█"


def add_options(parser) -> None:
    parser.add_argument("--uncertainty", type=positive_int, default=None, metavar="N",
                        help="Monte Carlo with N iterations: mean, median, 95 %% interval, histogram, sensitivity")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the Monte Carlo (default 0: reproducible)")
    parser.add_argument("--pedigree", choices=PEDIGREE_SETS, default="ecoinvent3",
                        help="pedigree factors for data without a stated range (default ecoinvent3; docs/uncertainty.md)")


def engine_kwargs(args) -> dict:
    """Options of `pcf.engine.footprint` from the parsed arguments (none when no Monte Carlo is asked for)."""
    if not getattr(args, "uncertainty", None):
        return {}
    return {"uncertainty": args.uncertainty, "seed": args.seed, "pedigree": args.pedigree}


def sparkline(counts) -> str:
    top = max(counts) or 1
    return "".join(SPARK[round(c / top * (len(SPARK) - 1))] for c in counts)


def print_uncertainty(mc, console) -> None:
    """The Monte Carlo table of a footprint: total and stages, the histogram and the inputs driving 90 %."""
    table = Table(title=f"Monte Carlo, kg CO2e per machine ({mc.iterations} iterations, seed {mc.seed}, "
                        f"pedigree {mc.pedigree})")
    for col in ("", "static", "mean", "median", "2.5 %", "97.5 %", "histogram"):
        table.add_column(col, justify="left" if col in ("", "histogram") else "right")
    t = mc.total
    table.add_row("[bold]Total[/]", f"{mc.static_total:,.1f}", f"{t['mean']:,.1f}", f"{t['median']:,.1f}",
                  f"{t['p2_5']:,.1f}", f"{t['p97_5']:,.1f}", sparkline(t["histogram"]["counts"]))
    for stage, s in mc.by_stage().items():
        table.add_row(stage, "", f"{s['mean']:,.1f}", f"{s['median']:,.1f}", f"{s['p2_5']:,.1f}",
                      f"{s['p97_5']:,.1f}", sparkline(s["histogram"]["counts"]))
    console.print(table)
    if not mc.sensitivity.empty:
        drivers = mc.sensitivity[mc.sensitivity["drives_90_percent"]]
        sens = Table(title=f"The {len(drivers)} inputs that drive 90 % of the variance (contribution to variance: "
                           "squared Spearman rank correlation, normalised)")
        for col in ("input", "rank corr.", "SRC", "share", "cumulative"):
            sens.add_column(col, justify="left" if col == "input" else "right")
        for row in drivers.itertuples():
            sens.add_row(row.input, f"{row.rank_correlation:+.2f}", f"{row.src:+.2f}", f"{row.variance_share:.1%}",
                         f"{row.cumulative_share:.1%}")
        console.print(sens)
        console.print(f"linear regression on the screened inputs explains R^2 = {mc.explained_variance:.0%} of the "
                      "variance", highlight=False)


def print_paired(paired, reference: str, console) -> None:
    """Per variant: its Monte Carlo CFP, the delta to the reference and the probability it is lower."""
    table = Table(title=f"Paired Monte Carlo against '{reference}' ({paired.iterations} iterations, seed "
                        f"{paired.seed}), kg CO2e per machine")
    for col in ("variant", "median", "95 % interval", "delta median", "delta 95 % interval", "P(lower)"):
        table.add_column(col, justify="left" if col == "variant" else "right")
    for row in paired.table(reference):
        t, d = row["total_kg_co2e"], row["delta_kg_co2e"]
        table.add_row(row["name"], f"{t['median']:,.1f}", f"{t['p2_5']:,.1f} to {t['p97_5']:,.1f}",
                      f"{d['median']:+,.1f}", f"{d['p2_5']:+,.1f} to {d['p97_5']:+,.1f}",
                      "-" if row["name"] == reference else f"{row['probability_lower']:.1%}")
    console.print(table)


def add_to_json(path, document, key: str = "uncertainty") -> None:
    """Add the paired Monte Carlo (under `uncertainty`) or the Sobol' indices (`sobol`) to a written document."""
    import json
    from pathlib import Path

    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data[key] = document
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")


def print_energy(mc, console) -> None:
    """The energy comparator's paired Monte Carlo and Sobol' indices."""
    n = mc.to_dict()["net_lifetime_t_co2e"]
    console.print(f"Paired Monte Carlo of the sensitivity parameters ({mc.iterations} draws, seed {mc.seed}): net "
                  f"lifetime balance median {n['median']:,.1f} t CO2e, 95 % interval {n['p2_5']:,.1f} to "
                  f"{n['p97_5']:,.1f} t CO2e; the candidate is lower over the line's life in "
                  f"{mc.probability_candidate_lower:.1%} of the draws", highlight=False)
    table = Table(title="Sobol' indices of the net lifetime balance (SALib)")
    for col in ("parameter", "first order S1", "total ST"):
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for row in mc.sobol.itertuples():
        table.add_row(row.label, f"{row.S1:.2f} +- {row.S1_conf:.2f}", f"{row.ST:.2f} +- {row.ST_conf:.2f}")
    console.print(table)


def print_sobol(results, console) -> None:
    """Sobol' indices of the design comparator's scenario parameters, one table per variant spec."""
    from .uncertainty.compare_tables import SOBOL_NOTE

    if not results:
        console.print("no variant uses a parameter with more than one value: no Sobol' indices", highlight=False)
        return
    for r in results:
        table = Table(title=f"Sobol' indices of the CFP of '{r.variant}' ({r.evaluations} evaluations; mean "
                            f"{r.mean_kg_co2e:,.1f}, sd {r.sd_kg_co2e:,.1f} kg CO2e per machine)")
        for col in ("parameter", "range", "first order S1", "total ST"):
            table.add_column(col, justify="left" if col in ("parameter", "range") else "right")
        for row in r.table.itertuples():
            unit = f" {row.unit}" if row.unit else ""
            table.add_row(row.parameter, f"{row.low:g} to {row.high:g}{unit} ({row.sampled})",
                          f"{row.S1:.2f} +- {row.S1_conf:.2f}", f"{row.ST:.2f} +- {row.ST_conf:.2f}")
        console.print(table)
    console.print(SOBOL_NOTE, highlight=False)
