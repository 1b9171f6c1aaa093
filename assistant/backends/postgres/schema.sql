-- The PostgreSQL backend (assistant.backends.postgres): a team's corpus in one database.
-- Blocks are run by name (-- @name). {g} stands for the schema of one index generation.

-- @corpus: the reports themselves and the corpus's other files, in the schema "assist"
CREATE SCHEMA IF NOT EXISTS assist;
CREATE TABLE IF NOT EXISTS assist.reports(
  id bigserial PRIMARY KEY,
  doc_id text NOT NULL UNIQUE,
  seed integer,                        -- the corpus's first reports, in order (NULL: added later)
  folder text NOT NULL,                -- reports (indexed) or other (essays, surveys…)
  origin text NOT NULL,                -- shipped, fanwen or user
  content text NOT NULL,               -- the corpus file: header and text (store.StoredDoc.dumps())
  sha256 text NOT NULL,                -- of content
  bytes integer NOT NULL,              -- of content, UTF-8
  source text NOT NULL DEFAULT '',
  source_sha256 text NOT NULL DEFAULT '',
  body_key text NOT NULL DEFAULT '',   -- importer._body_key: the same text is not imported twice
  added_at timestamptz NOT NULL DEFAULT now(),
  added_by text NOT NULL DEFAULT current_user);
CREATE TABLE IF NOT EXISTS assist.files(
  name text PRIMARY KEY,               -- labels/NNN.tsv (in order), dict/NNN.txt
  content text NOT NULL);
CREATE TABLE IF NOT EXISTS assist.generations(
  id serial PRIMARY KEY,
  signature text NOT NULL UNIQUE,      -- build.signature of what it was built from
  schema_name text NOT NULL,
  documents integer NOT NULL,
  built_at timestamptz NOT NULL DEFAULT now());

-- @tables: one index generation, built in one transaction and swapped in by its commit
CREATE SCHEMA {g};
CREATE TABLE {g}.meta(key text PRIMARY KEY, value text);
CREATE TABLE {g}.documents(
  id integer PRIMARY KEY, doc_id text UNIQUE, title text, unit text, type text,
  source text, position integer, path text, chars integer, topic text, origin text);
CREATE TABLE {g}.sections(
  id integer PRIMARY KEY, doc integer, ord integer, role text, level integer, number text, heading text,
  line integer, kind text, text text, tokens text, container integer);
CREATE TABLE {g}.sentences(
  id integer PRIMARY KEY, doc integer, section integer, ord integer, line integer, text text, tokens text,
  phrase integer);
CREATE TABLE {g}.tokens(token text PRIMARY KEY, df integer);
CREATE TABLE {g}.marks(scope text, word text, types text, PRIMARY KEY(scope, word));
CREATE TABLE {g}.topic_words(word text, topic text, df integer, PRIMARY KEY(word, topic));
CREATE TABLE {g}.doc_names(doc integer, name text);
CREATE TABLE {g}.phrases(
  id integer PRIMARY KEY, key text, text text, neutral text, kind text, unit text, units text,
  docs integer, occurrences integer, doc_id text, line integer, heading integer, tokens text,
  topic text, topics text, fit_units text, fit_topics text, flags text);
-- the full-text index: each phrase's terms (SQLite FTS5's unicode61 terms of its tokens:
-- fts.terms) with their frequency in it and its length in terms (BM25's), stored in term order
-- (C collation: a prefix is a range) so that the rows of a prefix are next to each other
CREATE TABLE {g}.terms(term text COLLATE "C", phrase integer, tf integer, ntok integer);
CREATE TABLE {g}.model_meta(key text PRIMARY KEY, value text);
CREATE TABLE {g}.model_features(feature text PRIMARY KEY, weights bytea);

-- @indexes: once the rows are in
CREATE INDEX ON {g}.sections(doc);
CREATE INDEX ON {g}.sections(kind, role, id);
CREATE INDEX ON {g}.sentences(section);
CREATE INDEX ON {g}.terms(term);
CREATE INDEX ON {g}.phrases(kind, docs);
ANALYZE {g}.documents;
ANALYZE {g}.sections;
ANALYZE {g}.sentences;
ANALYZE {g}.phrases;
ANALYZE {g}.terms;
