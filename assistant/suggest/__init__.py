"""Standard phrasing from the corpus: phrase units, neutralisation, retrieval and ranking."""
