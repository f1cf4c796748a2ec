"""pcf: product carbon footprint of capital equipment (ISO 14067 / PAS 2050), solved on Brightway 2.5.

    >>> import pcf
    >>> result = pcf.footprint("bill_of_materials/formation_grading_machine.yaml")
    >>> result.total_kg_co2e

`import pcf` is cheap: `footprint` (and the Brightway stack behind it) is imported on first use.
"""

import logging

from ._version import __version__
from .errors import PcfError

logging.getLogger(__name__).addHandler(logging.NullHandler())  # a library: the application configures logging

__all__ = ["footprint", "PcfError", "__version__"]


def __getattr__(name: str):
    if name == "footprint":
        from .engine import footprint_file  # a BOM file or model; pcf.engine.footprint takes models only

        return footprint_file
    raise AttributeError(f"module 'pcf' has no attribute '{name}'")
