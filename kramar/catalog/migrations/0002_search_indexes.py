"""Full-text and typo-tolerant search of products on PostgreSQL; nothing on SQLite.

* ``kramar_search_stems(text)``: the SQL twin of ``kramar.catalog.search.stem_text`` (fold by a
  fixed table, split into words, apply the stemming rules). The rules are frozen here: when
  ``search.STEM_RULES`` changes, a new migration replaces the function (a test compares the two).
* ``catalog_product.search_vector``: a stored generated ``tsvector`` of the stemmed name (weight
  A), search document (B) and description (D), with a GIN index. Stored rather than an
  expression index because ranking reads the vector of every match, and re-stemming a document
  costs ~0.3 ms in SQL: 1 s for a query that matches 3,000 products. PostgreSQL writes the column
  itself on every insert and update, so no service has to know about it; the model does not
  declare it (Django never selects or writes it).
* pg_trgm and a trigram GIN index on ``search_document`` for word similarity (typos).
"""

from django.db import migrations

RULES = (
    (
        r"(?<![0-9a-zа-яёіїєґ])([а-яёіїєґ]{2,}?)(?:ього|ьому|іями|ами|еві|ими|ові|ого|ому|ьою|ями|єві|іми|іям|іях|ією|ам|ах|ей|ем|ею|ий|им|их|ом|ою|ої|ям|ях|єм|єю|ів|ій|ім|іх|ію|ія|ії|їв|а|е|и|й|о|у|ь|ю|я|є|і|ї)(?![0-9a-zа-яёіїєґ])",
        r"\1",
    ),
    (
        r"(?<![0-9a-zа-яёіїєґ])([а-яёіїєґ]*[бвгґджзйклмнпрстфхцчшщ])[ео]([кц])(?![0-9a-zа-яёіїєґ])",
        r"\1\2",
    ),
    (r"ь", r""),
    (
        r"(?<![0-9a-zа-яёіїєґ])([а-яёіїєґ]+)[іое]([бвгґджзйклмнпрстфхцчшщ])(?![0-9a-zа-яёіїєґ])",
        r"\1о\2",
    ),
    (r"(?<![0-9a-zа-яёіїєґ])([a-z]{2,})ies(?![0-9a-zа-яёіїєґ])", r"\1y"),
    (r"(?<![0-9a-zа-яёіїєґ])([a-z]+(?:ss|sh|ch|x|z))es(?![0-9a-zа-яёіїєґ])", r"\1"),
    (r"(?<![0-9a-zа-яёіїєґ])([a-z]{2,}[a-rtv-z])s(?![0-9a-zа-яёіїєґ])", r"\1"),
)
FOLD_FROM = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯЁЪЫЭ"
    "ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿÇçÑñ'’ʼ"
)
FOLD_TO = (
    "abcdefghijklmnopqrstuvwxyzабвгґдеєжзиіїйклмнопрстуфхцчшщьюяёъыэ"
    "aaaaaaaaaaaaeeeeeeeeiiiiiiiioooooooooouuuuuuuuyyyccnn"
)
NOT_WORD = "[^0-9a-zа-яёіїєґ]+"
# A document longer than this is cut before it is stemmed (a tsvector holds at most 1 MB).
MAX_DOCUMENT = 100_000


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def _stems_function():
    body = f"translate($1, {_literal(FOLD_FROM)}, {_literal(FOLD_TO)})"
    body = f"regexp_replace({body}, {_literal(NOT_WORD)}, ' ', 'g')"
    for pattern, replacement in RULES:
        body = f"regexp_replace({body}, {_literal(pattern)}, {_literal(replacement)}, 'g')"
    return (
        "CREATE OR REPLACE FUNCTION kramar_search_stems(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT btrim({body}) $$"
    )


def _weighted(column, weight):
    return (
        f"setweight(to_tsvector('simple'::regconfig, "
        f"kramar_search_stems(left(coalesce({column}, ''), {MAX_DOCUMENT}))), '{weight}')"
    )


FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    _stems_function(),
    "ALTER TABLE catalog_product ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    f"{_weighted('name', 'A')} || {_weighted('search_document', 'B')} || "
    f"{_weighted('description', 'D')}) STORED",
    "CREATE INDEX catalog_product_search_vector ON catalog_product USING gin (search_vector)",
    "CREATE INDEX catalog_product_search_trgm ON catalog_product "
    "USING gin (search_document gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_search_trgm",
    "DROP INDEX IF EXISTS catalog_product_search_vector",
    "ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS kramar_search_stems(text)",
    # pg_trgm stays: other apps may use it, and it costs nothing.
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite searches in Python (kramar.catalog.search)
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_catalogue")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
