-- What the rotation lists need of each cartridge's jobs that does not depend on the clock or the settings,
-- kept in the same transaction as every change to a job's dates or to a job's cartridges, by triggers, so
-- that every writer (the services, sync, imports, deletes and their cascades) keeps it exact. The lists
-- are still computed at read time from these, the clock and the settings (server/rotation/sql.ts; the
-- choice and its measurements: docs/PERFORMANCE.md, "Rotation lists").
--
-- One row per cartridge holding at least one job:
-- - data_expires_at: the latest expiry of its jobs (its data expiry);
-- - newest_job_day: the day of its newest job;
-- - frontier_days / frontier_expiries: its job days, newest first, that have a later expiry than every
--   newer day (each day with the latest expiry of its jobs). Expiries rise along the arrays, so the newest
--   job still unexpired at a moment is frontier_days[k], k the first position whose expiry is later than
--   that moment — one binary search (width_bucket), not a pass over the cartridge's jobs. That is the
--   newest sendable job when every job is old enough to send (newest_job_day + send delay <= today); a
--   cartridge with a more recent job is decided from its jobs themselves, and those are few.
CREATE TABLE "backup_tape_rotation" (
    "tape_id" TEXT NOT NULL,
    "data_expires_at" TIMESTAMP(3) NOT NULL,
    "newest_job_day" TIMESTAMP(3) NOT NULL,
    "frontier_days" TIMESTAMP(3)[],
    "frontier_expiries" TIMESTAMP(3)[],

    CONSTRAINT "backup_tape_rotation_pkey" PRIMARY KEY ("tape_id")
);

ALTER TABLE "backup_tape_rotation" ADD CONSTRAINT "backup_tape_rotation_tape_id_fkey" FOREIGN KEY ("tape_id") REFERENCES "backup_tape_cartridge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The cartridges written recently enough to be decided from their jobs, and the data-expiry filter.
CREATE INDEX "backup_tape_rotation_newest_job_day_idx" ON "backup_tape_rotation"("newest_job_day");
CREATE INDEX "backup_tape_rotation_data_expires_at_idx" ON "backup_tape_rotation"("data_expires_at");

-- Recomputes the rows of some cartridges from their jobs. The cartridges are locked first (a lock the
-- services' own cartridge lock waits for, foreign-key checks do not), and the recount, a statement of its
-- own, reads what is committed once the locks are held: two transactions changing one cartridge's jobs at
-- once recount one after the other instead of the later overwriting the earlier with a count that missed it.
CREATE FUNCTION "backup_tape_rotation_refresh"(tape_ids TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "backup_tape_cartridge" WHERE "id" = ANY(tape_ids) ORDER BY "id" FOR NO KEY UPDATE;
  DELETE FROM "backup_tape_rotation" r
  WHERE r."tape_id" = ANY(tape_ids)
    AND NOT EXISTS (SELECT 1 FROM "backup_job_tape" jt WHERE jt."tape_id" = r."tape_id");
  INSERT INTO "backup_tape_rotation"
    ("tape_id", "data_expires_at", "newest_job_day", "frontier_days", "frontier_expiries")
  SELECT d."tape_id", max(d."expires_at"), max(d."day"),
    array_agg(d."day" ORDER BY d."day" DESC) FILTER (WHERE d."newer" IS NULL OR d."expires_at" > d."newer"),
    array_agg(d."expires_at" ORDER BY d."day" DESC) FILTER (WHERE d."newer" IS NULL OR d."expires_at" > d."newer")
  FROM (
    SELECT per_day.*, max(per_day."expires_at") OVER (
        PARTITION BY per_day."tape_id" ORDER BY per_day."day" DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) AS "newer"
    FROM (
      SELECT jt."tape_id", date_trunc('day', j."job_date") AS "day", max(j."expires_at") AS "expires_at"
      FROM "backup_job_tape" jt JOIN "backup_job" j ON j."id" = jt."job_id"
      WHERE jt."tape_id" = ANY(tape_ids)
      GROUP BY jt."tape_id", date_trunc('day', j."job_date")
    ) per_day
  ) d
  GROUP BY d."tape_id"
  ON CONFLICT ("tape_id") DO UPDATE SET
    "data_expires_at" = EXCLUDED."data_expires_at",
    "newest_job_day" = EXCLUDED."newest_job_day",
    "frontier_days" = EXCLUDED."frontier_days",
    "frontier_expiries" = EXCLUDED."frontier_expiries";
END
$$;

-- Statement-level triggers with the changed rows as tables: a bulk import recounts each cartridge once, in
-- one statement, rather than once per row. (A trigger with transition tables takes one event, hence three
-- triggers on the links for one function.)
CREATE FUNCTION "backup_job_tape_rotation_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "backup_tape_rotation_refresh"(ARRAY(SELECT DISTINCT "tape_id" FROM inserted));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM "backup_tape_rotation_refresh"(ARRAY(SELECT DISTINCT "tape_id" FROM deleted));
  ELSE
    PERFORM "backup_tape_rotation_refresh"(ARRAY(SELECT "tape_id" FROM deleted UNION SELECT "tape_id" FROM inserted));
  END IF;
  RETURN NULL;
END
$$;

-- A job's new dates change the rows of its cartridges; a new job has none yet, and a deleted job's links
-- go by cascade, which the link triggers see.
CREATE FUNCTION "backup_job_rotation_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "backup_tape_rotation_refresh"(ARRAY(
    SELECT DISTINCT jt."tape_id"
    FROM inserted n JOIN deleted o ON o."id" = n."id"
    JOIN "backup_job_tape" jt ON jt."job_id" = n."id"
    WHERE n."job_date" IS DISTINCT FROM o."job_date" OR n."expires_at" IS DISTINCT FROM o."expires_at"));
  RETURN NULL;
END
$$;

CREATE TRIGGER "backup_job_tape_rotation_insert" AFTER INSERT ON "backup_job_tape"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_job_tape_rotation_changed"();
CREATE TRIGGER "backup_job_tape_rotation_delete" AFTER DELETE ON "backup_job_tape"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "backup_job_tape_rotation_changed"();
CREATE TRIGGER "backup_job_tape_rotation_update" AFTER UPDATE ON "backup_job_tape"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "backup_job_tape_rotation_changed"();
CREATE TRIGGER "backup_job_rotation_update" AFTER UPDATE ON "backup_job"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "backup_job_rotation_updated"();

-- The cartridges holding jobs today.
SELECT "backup_tape_rotation_refresh"(ARRAY(SELECT DISTINCT "tape_id" FROM "backup_job_tape"));
