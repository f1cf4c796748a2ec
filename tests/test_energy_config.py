"""Invalid comparator inputs are rejected with messages that name the field and what was expected."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from pcf.energy import ComparisonConfig, EnergyError, compare, read_config, validate_config
from pcf.errors import PcfError
from test_energy_balance import EMBODIED, small_config


def rejected(data: dict) -> str:
    with pytest.raises(EnergyError) as info:
        validate_config(data, file="config.yaml")
    return info.value.describe()


def test_efficiency_above_one_is_rejected():
    message = rejected(small_config(**{"candidate.charge_path_efficiency": 1.2}))
    assert "candidate.charge_path_efficiency" in message
    assert "at most 1" in message and "1.2" in message
    assert message.startswith("config.yaml: ")


def test_efficiency_given_in_percent_gets_a_hint():
    message = rejected(small_config(**{"baseline.charge_path_efficiency": 78}))
    assert "fraction" in message and "0.92 for 92 %" in message


def test_recovery_share_above_one_is_rejected():
    message = rejected(small_config(**{"candidate.discharge.reuse_share": 1.5}))
    assert "candidate.discharge.reuse_share" in message and "between 0 and 1" in message


def test_negative_hours_are_rejected():
    message = rejected(small_config(**{"operation.operating_hours_per_year": -100}))
    assert "operation.operating_hours_per_year" in message and "greater than 0" in message and "-100" in message


def test_more_hours_than_a_year_are_rejected():
    message = rejected(small_config(**{"operation.operating_hours_per_year": 9000}))
    assert "less than or equal to 8760" in message


def test_negative_step_duration_is_rejected():
    message = rejected(small_config(**{"protocol.1.duration_h": -1}))
    assert "protocol.1.duration_h" in message and "greater than 0" in message


@pytest.mark.parametrize("field,value", [("soc_to_percent", 120), ("soc_from_percent", -5)])
def test_soc_outside_0_100_percent_is_rejected(field, value):
    message = rejected(small_config(**{f"protocol.0.{field}": value}))
    assert f"protocol.0.{field}" in message and "between 0 and 100 %" in message and str(value) in message


def test_charge_step_that_lowers_the_soc_is_rejected():
    message = rejected(small_config(**{"protocol.0.soc_from_percent": 80, "protocol.0.soc_to_percent": 20}))
    assert "step 'charge'" in message and "must raise the SOC" in message


def test_step_too_short_for_its_charge_is_rejected():
    # 100 Ah at 0.5 C = 50 A takes 2 h
    message = rejected(small_config(**{"protocol.0.duration_h": 1.0}))
    assert "takes 2 h" in message and "duration_h = 1 h" in message


def test_step_above_the_channel_current_is_rejected():
    message = rejected(small_config(**{"candidate.channel_max_current_A": 40}))
    assert "needs 50.0 A" in message and "channel maximum of 40 A" in message


def test_resistive_route_with_recovery_fields_is_rejected():
    message = rejected(small_config(**{"baseline.discharge": {"route": "resistive", "reuse_share": 0.5}}))
    assert "recovers nothing" in message


def test_unknown_field_is_rejected():
    data = small_config()
    data["site"]["cop"] = 3
    assert "site.cop" in rejected(data)


def test_utilisation_and_cells_per_day_are_exclusive():
    data = small_config()
    data["operation"]["cells_per_day"] = 10
    assert "exactly one of channel_utilisation and cells_per_day" in rejected(data)


def test_grid_table_must_cover_the_service_life():
    data = small_config()
    data["grid"] = {**data["grid"], "first_year_kg_co2e_per_kWh": None, "by_year_kg_co2e_per_kWh": {2030: 0.5}}
    assert "no factor for 2031, 2032" in rejected(data)


def test_models_raise_validation_errors_in_python():
    with pytest.raises(ValidationError, match="an efficiency must be greater than 0 and at most 1"):
        ComparisonConfig.model_validate(small_config(**{"candidate.charge_path_efficiency": 1.01}))


def test_impossible_throughput_is_an_energy_error():
    data = small_config()
    data["operation"] = {**data["operation"], "channel_utilisation": None, "cells_per_day": 100.0}
    with pytest.raises(EnergyError, match="more than the 1000 operating hours") as info:
        compare(ComparisonConfig.model_validate(data), EMBODIED)
    assert "at most 48.0 cells per day" in info.value.describe()  # 24 h x 10 channels / 5 h
    assert isinstance(info.value, PcfError)


def test_reader_resolves_design_files_extends_and_bom_paths(tmp_path):
    data = small_config()
    design = data.pop("candidate")
    design["bom"] = "boms/feedback.yaml"
    (tmp_path / "designs").mkdir()
    (tmp_path / "designs" / "boms").mkdir()
    (tmp_path / "designs" / "boms" / "feedback.yaml").write_text("x: 1\n")
    (tmp_path / "conventional.yaml").write_text("x: 1\n")
    (tmp_path / "designs" / "feedback.yaml").write_text(yaml.safe_dump({"design": design}))
    data["candidate"] = "designs/feedback.yaml"
    data["baseline"]["bom"] = "conventional.yaml"
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(data))
    (tmp_path / "line.yaml").write_text(yaml.safe_dump({
        "extends": "base.yaml", "name": "line", "line": {"machines": 5},
        "candidate": {"charge_path_efficiency": 0.85}}))
    config = read_config(tmp_path / "line.yaml")
    assert config.name == "line" and config.line.machines == 5
    assert config.candidate.charge_path_efficiency == 0.85  # merged over the design file
    assert config.candidate.discharge.reuse_share == 0.5  # kept from the design file
    assert config.candidate.bom == str((tmp_path / "designs" / "boms" / "feedback.yaml").resolve())
    assert config.baseline.bom == str((tmp_path / "conventional.yaml").resolve())


def test_reader_names_the_file_and_field(tmp_path):
    data = small_config(**{"candidate.charge_path_efficiency": 1.5})
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(EnergyError) as info:
        read_config(path)
    text = info.value.describe()
    assert str(path) in text and "candidate.charge_path_efficiency" in text


def test_reader_reports_a_missing_bom(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(small_config()))
    with pytest.raises(EnergyError, match="baseline BOM not found"):
        read_config(path)


def test_reader_rejects_missing_files_and_cycles(tmp_path):
    with pytest.raises(EnergyError, match="file not found"):
        read_config(tmp_path / "nothing.yaml")
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(EnergyError, match="cycle"):
        read_config(tmp_path / "a.yaml")
