-- The overview's counts (cartridges, jobs, cartridges by status, by the kind of their current location and
-- by its site), kept exact in the same transaction as every change by triggers, so that every writer (the
-- services, sync, imports, deletes and their cascades) keeps them, and reading them costs the same at ten
-- thousand cartridges as at a million (server/tapes/counts.ts; measurements: docs/PERFORMANCE.md).
--
-- Each statement that changes a count appends its changes as rows (key, delta): nothing is updated in
-- place, so writers never wait for each other on a counter row nor deadlock over two of them. A count is
-- the sum of its key's rows in the reader's snapshot, exact for that snapshot. Now and then the rows are
-- summed into one per key (server/tapes/counts.ts), which changes no sum.
--
-- Keys: 'tapes', 'jobs', 'status:<status>', 'kind:<location kind>', 'site:<site id>' (current locations
-- that name a site), 'site:' (current locations that name none).
CREATE TABLE "backup_catalogue_count" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "delta" BIGINT NOT NULL,

    CONSTRAINT "backup_catalogue_count_pkey" PRIMARY KEY ("id")
);

-- Statement-level triggers with the changed rows as tables (one event each, hence one trigger per event):
-- a bulk import appends one row per key, not one per cartridge. A branch reads only the transition tables
-- its event declares.
CREATE FUNCTION "backup_tape_counted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "backup_catalogue_count" ("key", "delta")
    SELECT 'tapes', count(*) FROM inserted HAVING count(*) > 0
    UNION ALL SELECT 'status:' || "status", count(*) FROM inserted GROUP BY "status";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "backup_catalogue_count" ("key", "delta")
    SELECT 'tapes', -count(*) FROM deleted HAVING count(*) > 0
    UNION ALL SELECT 'status:' || "status", -count(*) FROM deleted GROUP BY "status";
  ELSE
    INSERT INTO "backup_catalogue_count" ("key", "delta")
    SELECT d."key", sum(d."delta") FROM (
      SELECT 'status:' || "status" AS "key", 1 AS "delta" FROM inserted
      UNION ALL SELECT 'status:' || "status", -1 FROM deleted
    ) d GROUP BY d."key" HAVING sum(d."delta") <> 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION "backup_job_counted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "backup_catalogue_count" ("key", "delta") SELECT 'jobs', count(*) FROM inserted HAVING count(*) > 0;
  ELSE
    INSERT INTO "backup_catalogue_count" ("key", "delta") SELECT 'jobs', -count(*) FROM deleted HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END
$$;

-- A location counts while it is current, by its kind and by its site.
CREATE FUNCTION "backup_location_counted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "backup_catalogue_count" ("key", "delta")
    SELECT d."key", count(*) FROM (
      SELECT 'kind:' || "kind" AS "key" FROM inserted WHERE "is_current"
      UNION ALL SELECT 'site:' || coalesce("site_id", '') FROM inserted WHERE "is_current"
    ) d GROUP BY d."key";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "backup_catalogue_count" ("key", "delta")
    SELECT d."key", -count(*) FROM (
      SELECT 'kind:' || "kind" AS "key" FROM deleted WHERE "is_current"
      UNION ALL SELECT 'site:' || coalesce("site_id", '') FROM deleted WHERE "is_current"
    ) d GROUP BY d."key";
  ELSE
    INSERT INTO "backup_catalogue_count" ("key", "delta")
    SELECT d."key", sum(d."delta") FROM (
      SELECT 'kind:' || "kind" AS "key", 1 AS "delta" FROM inserted WHERE "is_current"
      UNION ALL SELECT 'site:' || coalesce("site_id", ''), 1 FROM inserted WHERE "is_current"
      UNION ALL SELECT 'kind:' || "kind", -1 FROM deleted WHERE "is_current"
      UNION ALL SELECT 'site:' || coalesce("site_id", ''), -1 FROM deleted WHERE "is_current"
    ) d GROUP BY d."key" HAVING sum(d."delta") <> 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "tape_cartridge_count_insert" AFTER INSERT ON "backup_tape_cartridge"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_tape_counted"();
CREATE TRIGGER "tape_cartridge_count_delete" AFTER DELETE ON "backup_tape_cartridge"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "backup_tape_counted"();
CREATE TRIGGER "tape_cartridge_count_update" AFTER UPDATE ON "backup_tape_cartridge"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_tape_counted"();
CREATE TRIGGER "job_count_insert" AFTER INSERT ON "backup_job"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_job_counted"();
CREATE TRIGGER "job_count_delete" AFTER DELETE ON "backup_job"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "backup_job_counted"();
CREATE TRIGGER "tape_location_count_insert" AFTER INSERT ON "backup_tape_location"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_location_counted"();
CREATE TRIGGER "tape_location_count_delete" AFTER DELETE ON "backup_tape_location"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "backup_location_counted"();
CREATE TRIGGER "tape_location_count_update" AFTER UPDATE ON "backup_tape_location"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_location_counted"();

-- What there is today.
INSERT INTO "backup_catalogue_count" ("key", "delta")
SELECT 'tapes', count(*) FROM "backup_tape_cartridge"
UNION ALL SELECT 'jobs', count(*) FROM "backup_job"
UNION ALL SELECT 'status:' || "status", count(*) FROM "backup_tape_cartridge" GROUP BY "status"
UNION ALL SELECT 'kind:' || "kind", count(*) FROM "backup_tape_location" WHERE "is_current" GROUP BY "kind"
UNION ALL SELECT 'site:' || coalesce("site_id", ''), count(*) FROM "backup_tape_location" WHERE "is_current" GROUP BY "site_id";
