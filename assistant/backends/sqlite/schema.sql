-- The SQLite index (assistant.backends.sqlite): one file in the user's cache per corpus.
-- Blocks are run by name (-- @name) at their step of the build; the statements are kept as
-- they were written before (SQLite stores their text), so an index dump compares across versions.

-- @tables: created first
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE documents(
  id INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, title TEXT, unit TEXT, type TEXT,
  source TEXT, position INTEGER, path TEXT, chars INTEGER,
  topic TEXT,   -- the topic plugin's name (from the file's header, else inferred)
  origin TEXT); -- shipped (the corpus that ships), fanwen (a plugin's 范文) or user
CREATE TABLE sections(
  id INTEGER PRIMARY KEY, doc INTEGER REFERENCES documents(id), ord INTEGER, role TEXT,
  level INTEGER, number TEXT, heading TEXT, line INTEGER, kind TEXT, text TEXT, tokens TEXT,
  container INTEGER);  -- line of the heading whose children it is (outline.Section.container)
CREATE TABLE sentences(
  id INTEGER PRIMARY KEY, doc INTEGER REFERENCES documents(id), section INTEGER REFERENCES sections(id),
  ord INTEGER, line INTEGER, text TEXT, tokens TEXT,
  phrase INTEGER);  -- phrases.id of its neutral form (NULL: it makes no phrase)
CREATE TABLE tokens(token TEXT PRIMARY KEY, df INTEGER) WITHOUT ROWID;
-- assistant.units.fitness: the words that mark a unit type's or a topic's text (scope
-- 'unit' or 'topic'), with the types they belong to (comma-separated)
CREATE TABLE marks(scope TEXT, word TEXT, types TEXT, PRIMARY KEY(scope, word)) WITHOUT ROWID;
-- how many reports of each topic use a word (words in two reports or more; topic '' counts
-- every report): what a query of everyday words is most likely about (suggest)
CREATE TABLE topic_words(word TEXT, topic TEXT, df INTEGER, PRIMARY KEY(word, topic)) WITHOUT ROWID;
-- the local names a report uses for its own place (状元社区 four times in its report): the
-- tagger does not always know them as names; drafts and suggestions write them ××
CREATE TABLE doc_names(doc INTEGER, name TEXT);
-- key has no index: the build groups the sentences by key, so keys are unique by construction,
-- nothing looks a phrase up by key, and a unique index cost half the time of the insert.
-- fit_units / fit_topics: what the phrase can serve (assistant.units.fitness: "*" for all, else
-- ",a,b,"); flags: the check rules other than placeholder that flag its neutral text.
CREATE TABLE phrases(
  id INTEGER PRIMARY KEY, key TEXT, text TEXT, neutral TEXT, kind TEXT, unit TEXT, units TEXT,
  docs INTEGER, occurrences INTEGER, doc_id TEXT, line INTEGER, heading INTEGER, tokens TEXT,
  topic TEXT, topics TEXT, fit_units TEXT, fit_topics TEXT, flags TEXT);
CREATE VIRTUAL TABLE phrases_fts USING fts5(tokens, content='phrases', content_rowid='id');

-- @model: the section classifier (assistant.classify.model), when the corpus has labels
CREATE TABLE IF NOT EXISTS model_meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS model_features(feature TEXT PRIMARY KEY, weights BLOB) WITHOUT ROWID;

-- @fts: once the phrases are in. FTS5 writes its pending terms out as a new segment each
-- time they pass 'hashsize' (1 MB by default) and merges the segments as they pile up: on a
-- large corpus that merging makes the rebuild grow faster than the text. With 32 MB a corpus
-- 100x the shipped one is merged about once (the setting stays in phrases_fts_config).
INSERT INTO phrases_fts(phrases_fts, rank) VALUES('hashsize', 33554432);
INSERT INTO phrases_fts(phrases_fts) VALUES('rebuild');
CREATE INDEX phrases_kind ON phrases(kind, docs);

-- @indexes: once the rows are in
CREATE INDEX sections_doc ON sections(doc);
-- a draft's material: the sections of one kind, then their reports (without it each of a
-- draft's ~70 queries scanned every section: 1.45 s at 100x, 0.04 s with it)
CREATE INDEX sections_kind ON sections(kind, role, doc);
CREATE INDEX sentences_section ON sentences(section);
