"""Full-text search over a business's FAQ, documents and catalogue, in the business's language.

PostgreSQL: a `search_vector` tsvector column per searchable table, built with the text search
configuration of the business's language and indexed with GIN; ranked with ts_rank. SQLite (the
embedded default): one FTS5 table with the porter stemmer, ranked with bm25. Both columns are
created by migration 0003 and kept current by the signals in signals.py.

Customers write whole sentences, so a query matches any of its words (OR), best-ranked first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from django.db import connection

from .models import Business, CatalogueItem, Document, FaqEntry

Searchable = FaqEntry | Document | CatalogueItem
# A searchable model, so that a search for FAQ entries gives FAQ entries.
S = TypeVar("S", FaqEntry, Document, CatalogueItem)

# The text each searchable model contributes: (table name, {column: weight}).
SEARCHABLE: dict[type[Searchable], tuple[str, dict[str, str]]] = {
    FaqEntry: ("faq", {"question": "A", "answer": "B"}),
    Document: ("document", {"title": "A", "body": "B"}),
    CatalogueItem: ("item", {"name": "A", "description": "B"}),
}
POSTGRES_CONFIGS = {
    "da": "danish", "de": "german", "en": "english", "es": "spanish", "fi": "finnish", "fr": "french",
    "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish",
}  # fmt: skip
_WORD = re.compile(r"\w+", re.UNICODE)
# PostgreSQL's configurations drop stop words themselves; FTS5 has none, so these go here.
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "do", "does", "for", "from",
    "have", "how", "i", "if", "in", "is", "it", "me", "my", "of", "on", "or", "our", "please", "so", "that",
    "the", "there", "this", "to", "us", "we", "what", "when", "where", "which", "who", "will", "with",
    "would", "you", "your",
})  # fmt: skip


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    score: float


def postgres_config(business: Business) -> str:
    return POSTGRES_CONFIGS.get(business.language.split("-")[0].lower(), "simple")


def query_words(query: str) -> list[str]:
    return [word for word in _WORD.findall(query.lower()) if len(word) > 1 or word.isdigit()]


def reindex(instance: Searchable) -> None:
    """Bring one FAQ entry, document or catalogue item's search entry up to date."""
    kind, columns = SEARCHABLE[type(instance)]
    table = type(instance)._meta.db_table
    if not getattr(instance, "published", True):
        # An FAQ entry made from a customer's words is found by nobody until staff publish it.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET search_vector = NULL WHERE id = %s", [instance.pk])
        else:
            unindex(instance)
        return
    if connection.vendor == "postgresql":
        config = postgres_config(instance.business)
        vector = " || ".join(
            f"setweight(to_tsvector(%s::regconfig, coalesce({column}, '')), '{weight}')"
            for column, weight in columns.items()
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET search_vector = {vector} WHERE id = %s", [config] * len(columns) + [instance.pk]
            )
    else:
        text = "\n".join(str(getattr(instance, column) or "") for column in columns)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM business_search_fts WHERE kind = %s AND object_id = %s", [kind, instance.pk])
            cursor.execute(
                "INSERT INTO business_search_fts (kind, object_id, business_id, body) VALUES (%s, %s, %s, %s)",
                [kind, instance.pk, instance.business_id, text],
            )


def unindex(instance: Searchable) -> None:
    if connection.vendor != "postgresql":
        kind, _ = SEARCHABLE[type(instance)]
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM business_search_fts WHERE kind = %s AND object_id = %s", [kind, instance.pk])


def reindex_business(business: Business) -> None:
    for model in SEARCHABLE:
        for instance in model.objects.filter(business=business):
            reindex(instance)


def search(business: Business, model: type[Searchable], query: str, limit: int = 3) -> list[Hit]:
    """The best matches of `model` at this business for any word of `query`, best first."""
    words = query_words(query)
    if not words:
        return []
    kind, _ = SEARCHABLE[model]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            table = model._meta.db_table
            cursor.execute(
                f"""
                SELECT id, ts_rank(search_vector, query) AS score
                FROM {table}, to_tsquery(%s::regconfig, %s) AS query
                WHERE business_id = %s AND search_vector @@ query
                ORDER BY score DESC, id LIMIT %s
                """,
                [postgres_config(business), " | ".join(words), business.pk, limit],
            )
            rows = cursor.fetchall()
        else:
            words = [word for word in words if word not in STOP_WORDS]
            if not words:
                return []
            cursor.execute(
                """
                SELECT object_id, -bm25(business_search_fts) AS score FROM business_search_fts
                WHERE business_search_fts MATCH %s AND kind = %s AND business_id = %s
                ORDER BY score DESC, object_id LIMIT %s
                """,
                [" OR ".join(f'"{word}"' for word in words), kind, business.pk, limit],
            )
            rows = cursor.fetchall()
    return [Hit(kind, int(object_id), float(score)) for object_id, score in rows]


def search_objects(business: Business, model: type[S], query: str, limit: int = 3) -> list[S]:
    hits = search(business, model, query, limit)
    by_id = model.objects.in_bulk([hit.object_id for hit in hits])
    return [by_id[hit.object_id] for hit in hits if hit.object_id in by_id]
