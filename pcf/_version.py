"""pcf's version string (a module of its own so that any layer can read it without importing the engine)."""

__version__ = "0.1.0"
