"""Bill-of-materials input: pydantic models and readers."""

from .models import (
    Assembly,
    AssemblyRef,
    Component,
    DataType,
    EnergyUse,
    Factory,
    Machine,
    PackagingItem,
    Part,
    ProcessStep,
    ProductSystem,
    Stage,
    TransportLeg,
)
from .readers import model_from_data, read_bom, write_bom

__all__ = [
    "Assembly",
    "AssemblyRef",
    "Component",
    "DataType",
    "EnergyUse",
    "Factory",
    "Machine",
    "PackagingItem",
    "Part",
    "ProcessStep",
    "ProductSystem",
    "Stage",
    "TransportLeg",
    "model_from_data",
    "read_bom",
    "write_bom",
]
