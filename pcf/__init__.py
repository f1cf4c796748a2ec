"""pcf: product carbon footprint of capital equipment (ISO 14067 / PAS 2050), solved on Brightway 2.5.

    >>> import pcf
    >>> result = pcf.footprint("bill_of_materials/formation_grading_machine.yaml")
    >>> result.total_kg_co2e
"""

__version__ = "0.1.0"

from .engine import footprint  # noqa: E402
from .errors import PcfError  # noqa: E402

__all__ = ["footprint", "PcfError", "__version__"]
