"""A third-party unit type, installed with pip and found through its entry point."""

from assistant.units import hookimpl


@hookimpl
def register_units(register):
    register("unit.toml")  # relative paths start at this package's folder
