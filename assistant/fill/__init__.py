"""``assist fill``: put a unit's own figures where a report's placeholders are.

The pieces, each usable on its own:

- :mod:`assistant.fill.data` reads the user's data (YAML, JSON, CSV, .xlsx) into
  fields and sentence pins;
- :mod:`assistant.fill.match` reads each placeholder's context and decides which
  field, if any, clearly belongs there (never a guess);
- :mod:`assistant.fill.apply` writes the values back into the text as written
  (or into a .docx, inside its runs);
- :mod:`assistant.fill.skeleton` writes a data skeleton for a report;
- :mod:`assistant.fill.interactive` asks for what is left and saves the answers.

Importing this package is cheap: segmentation and rapidfuzz load on first use.
"""

from __future__ import annotations
