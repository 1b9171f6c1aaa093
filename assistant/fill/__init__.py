"""``assist fill``: put a unit's own figures where a report's placeholders are.

The pieces, each usable on its own:

- :mod:`assistant.fill.data` reads the user's data (YAML, JSON, CSV, .xlsx) into
  fields and sentence pins;
- :mod:`assistant.fill.match` decides which field, if any, clearly belongs at each
  placeholder (never a guess), with :mod:`~assistant.fill.slots` (what the text says
  around a placeholder), :mod:`~assistant.fill.fields` (what a field's name says),
  :mod:`~assistant.fill.scoring` (every placeholder–field pair, vocabulary in
  ``lexicon.yaml``), :mod:`~assistant.fill.assign` (the assignment over the whole
  report) and :mod:`~assistant.fill.render` (the value as the slot needs it);
- :mod:`assistant.fill.apply` writes the values back into the text as written
  (or into a .docx, inside its runs);
- :mod:`assistant.fill.skeleton` writes a data skeleton for a report;
- :mod:`assistant.fill.interactive` asks for what is left and saves the answers.

Importing this package is cheap: segmentation loads on first use.
"""

from __future__ import annotations
