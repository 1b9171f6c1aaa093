"""assist: a report-writing assistant for Chinese official work reports."""

__version__ = "0.1.0"
