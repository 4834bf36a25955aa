-- Trigram indexes make "contains" search (ILIKE %term%) fast on large customer lists.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
