"""``assist draft``: a whole first draft of a report for a unit type.

The pieces, each usable on its own:

- :mod:`assistant.draft.compose` plans the sections (the unit's outline, or the
  structure of an existing report with ``--like``) and writes each from the corpus
  phrasing of its kind, adapted to the unit's words; figures stay placeholders;
- :mod:`assistant.draft.render` renders a draft through jinja2 templates (user
  folder > the unit plugin's templates > the shipped ones, all sandboxed);
- :mod:`assistant.draft.docx` writes a GB/T 9704-2012 Word file (settings in
  ``gbt9704.toml``).

``make_draft`` ties them together for the command. Importing this package is cheap:
segmentation, rapidfuzz, jinja2 and python-docx load on first use.
"""

from __future__ import annotations

from assistant.draft.compose import Draft, DraftSection, PlanItem, Sentence, make_draft

__all__ = ["Draft", "DraftSection", "PlanItem", "Sentence", "make_draft"]
