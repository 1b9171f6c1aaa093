"""Deliberately broken: its import fails, so its unit.toml is never registered."""
import assist_no_such_module_xyz  # noqa: F401
