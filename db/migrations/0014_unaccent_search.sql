-- Search that ignores accents ("unicode" finds "Ünïcødé"). unaccent itself is only STABLE (its dictionary could
-- change), so an index can't use it; this wrapper names the dictionary and is IMMUTABLE, the usual way to index it.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE OR REPLACE FUNCTION tenancy_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;--> statement-breakpoint
DROP INDEX "customers_name_trgm_idx";--> statement-breakpoint
CREATE INDEX "customers_name_trgm_idx" ON "customers" USING gin (lower(tenancy_unaccent("name")) gin_trgm_ops);