-- Each cartridge's place in the rotation lists (which list, its next move, and what a list shows of it), as
-- computed by server/rotation/sql.ts at a moment for some settings, with the moment until which nothing but
-- a change to the data can alter it. The lists and the overview read these rows instead of computing every
-- cartridge of a location kind on every read (docs/PERFORMANCE.md, "Rotation lists").
--
-- Exact, not a cache that can be stale: a row is used only for a moment in [computed_at, valid_until) and
-- the settings it was computed with, and only while no change to the data it depends on is pending for
-- its cartridge. Every such change appends the cartridge to backup_rotation_stale, by triggers in the
-- transaction of the change (append-only, so writers never wait on one another or on a reader); a read
-- recomputes the cartridges that are stale and writes their rows back (server/rotation/entries.ts).
CREATE TABLE "backup_rotation_entry" (
    "tape_id" TEXT NOT NULL,
    "location_kind" "LocationKind",
    "data_expires_at" TIMESTAMP(3),
    "recall_needed_by" TIMESTAMP(3),
    "list" TEXT,
    "next_move" TIMESTAMP(3),
    "computed_at" TIMESTAMP(3) NOT NULL,
    "valid_until" TIMESTAMP(3) NOT NULL,
    "send_delay_days" INTEGER NOT NULL,
    "lead_time_days" INTEGER NOT NULL,

    CONSTRAINT "backup_rotation_entry_pkey" PRIMARY KEY ("tape_id")
);

CREATE TABLE "backup_rotation_stale" (
    "seq" BIGSERIAL NOT NULL,
    "tape_id" TEXT NOT NULL,

    CONSTRAINT "backup_rotation_stale_pkey" PRIMARY KEY ("seq")
);

ALTER TABLE "backup_rotation_entry" ADD CONSTRAINT "backup_rotation_entry_tape_id_fkey" FOREIGN KEY ("tape_id") REFERENCES "backup_tape_cartridge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A list's members in its order (its page and its counts); the rows a moment or the settings invalidate.
CREATE INDEX "backup_rotation_entry_list_next_move_tape_id_idx" ON "backup_rotation_entry"("list", "next_move", "tape_id");
-- The cartridge table in next-move order, cartridges without one last either way (the same expressions as
-- server/tapes/service.ts): expression indexes, which schema.prisma cannot declare.
CREATE INDEX "backup_rotation_entry_next_move_first" ON "backup_rotation_entry" ((coalesce("next_move", '9999-12-31 00:00:00'::timestamp(3))), "tape_id");
CREATE INDEX "backup_rotation_entry_next_move_last" ON "backup_rotation_entry" ((coalesce("next_move", '0001-01-01 00:00:00'::timestamp(3))), "tape_id");
CREATE INDEX "backup_rotation_entry_valid_until_idx" ON "backup_rotation_entry"("valid_until");
CREATE INDEX "backup_rotation_entry_computed_at_idx" ON "backup_rotation_entry"("computed_at");
CREATE INDEX "backup_rotation_entry_send_delay_days_lead_time_days_idx" ON "backup_rotation_entry"("send_delay_days", "lead_time_days");

-- How many entries each list holds per next move (a day): a list's count and its overdue count are sums over
-- days, the same at any size of catalogue, corrected at a read by the few entries that are stale. Entries
-- are written by the refresh (one at a time) and deleted by cascades, and this is kept in the same
-- statement by the triggers below.
CREATE TABLE "backup_rotation_count" (
    "list" TEXT NOT NULL,
    "next_move" TIMESTAMP(3) NOT NULL,
    "entries" INTEGER NOT NULL,

    CONSTRAINT "backup_rotation_count_pkey" PRIMARY KEY ("list","next_move")
);

CREATE FUNCTION "backup_rotation_entry_counted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "backup_rotation_count" ("list", "next_move", "entries")
    SELECT "list", "next_move", count(*) FROM inserted WHERE "list" IS NOT NULL GROUP BY 1, 2
    ON CONFLICT ("list", "next_move") DO UPDATE SET "entries" = "backup_rotation_count"."entries" + EXCLUDED."entries";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "backup_rotation_count" c SET "entries" = c."entries" - d."entries"
    FROM (SELECT "list", "next_move", count(*) AS "entries" FROM deleted WHERE "list" IS NOT NULL GROUP BY 1, 2) d
    WHERE c."list" = d."list" AND c."next_move" = d."next_move";
  ELSE
    INSERT INTO "backup_rotation_count" ("list", "next_move", "entries")
    SELECT "list", "next_move", sum("change") FROM (
      SELECT "list", "next_move", 1 AS "change" FROM inserted WHERE "list" IS NOT NULL
      UNION ALL SELECT "list", "next_move", -1 FROM deleted WHERE "list" IS NOT NULL
    ) d GROUP BY 1, 2 HAVING sum("change") <> 0
    ON CONFLICT ("list", "next_move") DO UPDATE SET "entries" = "backup_rotation_count"."entries" + EXCLUDED."entries";
  END IF;
  DELETE FROM "backup_rotation_count" WHERE "entries" = 0;
  RETURN NULL;
END
$$;

CREATE TRIGGER "backup_rotation_entry_count_insert" AFTER INSERT ON "backup_rotation_entry"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_entry_counted"();
CREATE TRIGGER "backup_rotation_entry_count_delete" AFTER DELETE ON "backup_rotation_entry"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_entry_counted"();
CREATE TRIGGER "backup_rotation_entry_count_update" AFTER UPDATE ON "backup_rotation_entry"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_entry_counted"();

-- Marks cartridges stale: their rows are recomputed before they are next used.
CREATE FUNCTION "backup_rotation_mark"(tape_ids TEXT[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "backup_rotation_stale" ("tape_id") SELECT DISTINCT t FROM unnest(tape_ids) t WHERE t IS NOT NULL;
$$;

-- Locations (where a cartridge is, whether it is on its way, whether a recall is fulfilled), recalls, a
-- job's cartridges and consignment contents (packed means on its way): each table has the cartridge in
-- "tape_id". An update
-- marks only rows whose fields that matter changed, so scanning a packed cartridge or editing a location's
-- shelf writes no mark.
CREATE FUNCTION "backup_rotation_tape_rows_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "backup_rotation_mark"(ARRAY(SELECT "tape_id" FROM inserted));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM "backup_rotation_mark"(ARRAY(SELECT "tape_id" FROM deleted));
  ELSIF TG_TABLE_NAME = 'backup_tape_location' THEN
    PERFORM "backup_rotation_mark"(ARRAY(
      SELECT n."tape_id" FROM inserted n JOIN deleted o ON o."id" = n."id"
      WHERE (n."tape_id", n."kind", n."is_current", n."occurred_at") IS DISTINCT FROM (o."tape_id", o."kind", o."is_current", o."occurred_at")
      UNION SELECT o."tape_id" FROM inserted n JOIN deleted o ON o."id" = n."id" WHERE n."tape_id" <> o."tape_id"));
  ELSIF TG_TABLE_NAME = 'backup_recall' THEN
    PERFORM "backup_rotation_mark"(ARRAY(
      SELECT n."tape_id" FROM inserted n JOIN deleted o ON o."id" = n."id"
      WHERE (n."tape_id", n."needed_by", n."requested_at", n."cancelled_at") IS DISTINCT FROM (o."tape_id", o."needed_by", o."requested_at", o."cancelled_at")
      UNION SELECT o."tape_id" FROM inserted n JOIN deleted o ON o."id" = n."id" WHERE n."tape_id" <> o."tape_id"));
  ELSIF TG_TABLE_NAME = 'backup_job_tape' THEN
    PERFORM "backup_rotation_mark"(ARRAY(SELECT "tape_id" FROM inserted UNION SELECT "tape_id" FROM deleted));
  ELSE
    PERFORM "backup_rotation_mark"(ARRAY(
      SELECT moved."tape_id" FROM (
        (SELECT "consignment_id", "tape_id" FROM inserted EXCEPT SELECT "consignment_id", "tape_id" FROM deleted)
        UNION (SELECT "consignment_id", "tape_id" FROM deleted EXCEPT SELECT "consignment_id", "tape_id" FROM inserted)
      ) moved));
  END IF;
  RETURN NULL;
END
$$;

-- A new cartridge has no row yet; a status change (destroyed) takes it off every list.
CREATE FUNCTION "backup_rotation_tapes_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "backup_rotation_mark"(ARRAY(SELECT "id" FROM inserted));
  ELSE
    PERFORM "backup_rotation_mark"(ARRAY(
      SELECT n."id" FROM inserted n JOIN deleted o ON o."id" = n."id" WHERE n."status" IS DISTINCT FROM o."status"));
  END IF;
  RETURN NULL;
END
$$;

-- A job's dates decide when its cartridges are sent and brought back; a new job has no cartridges yet, and
-- a deleted job's links go by cascade, which the link triggers see.
CREATE FUNCTION "backup_rotation_jobs_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "backup_rotation_mark"(ARRAY(
    SELECT jt."tape_id"
    FROM inserted n JOIN deleted o ON o."id" = n."id"
    JOIN "backup_job_tape" jt ON jt."job_id" = n."id"
    WHERE n."job_date" IS DISTINCT FROM o."job_date" OR n."expires_at" IS DISTINCT FROM o."expires_at"));
  RETURN NULL;
END
$$;

-- A consignment's state says whether its cartridges are on their way.
CREATE FUNCTION "backup_rotation_consignments_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "backup_rotation_mark"(ARRAY(
    SELECT packed."tape_id"
    FROM inserted n JOIN deleted o ON o."id" = n."id"
    JOIN "backup_consignment_tape" packed ON packed."consignment_id" = n."id"
    WHERE n."state" IS DISTINCT FROM o."state"));
  RETURN NULL;
END
$$;

CREATE TRIGGER "backup_tape_location_rotation_insert" AFTER INSERT ON "backup_tape_location"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_tape_location_rotation_delete" AFTER DELETE ON "backup_tape_location"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_tape_location_rotation_update" AFTER UPDATE ON "backup_tape_location"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_recall_rotation_insert" AFTER INSERT ON "backup_recall"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_recall_rotation_delete" AFTER DELETE ON "backup_recall"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_recall_rotation_update" AFTER UPDATE ON "backup_recall"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_consignment_tape_rotation_insert" AFTER INSERT ON "backup_consignment_tape"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_consignment_tape_rotation_delete" AFTER DELETE ON "backup_consignment_tape"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_consignment_tape_rotation_update" AFTER UPDATE ON "backup_consignment_tape"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_job_tape_rotation_mark_insert" AFTER INSERT ON "backup_job_tape"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_job_tape_rotation_mark_delete" AFTER DELETE ON "backup_job_tape"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_job_tape_rotation_mark_update" AFTER UPDATE ON "backup_job_tape"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tape_rows_changed"();
CREATE TRIGGER "backup_job_rotation_mark_update" AFTER UPDATE ON "backup_job"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_jobs_changed"();
CREATE TRIGGER "backup_tape_cartridge_rotation_insert" AFTER INSERT ON "backup_tape_cartridge"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tapes_changed"();
CREATE TRIGGER "backup_tape_cartridge_rotation_update" AFTER UPDATE ON "backup_tape_cartridge"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_tapes_changed"();
CREATE TRIGGER "backup_consignment_rotation_update" AFTER UPDATE ON "backup_consignment"
  REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "backup_rotation_consignments_changed"();

-- Every cartridge today: the first read computes them.
INSERT INTO "backup_rotation_stale" ("tape_id") SELECT "id" FROM "backup_tape_cartridge";
