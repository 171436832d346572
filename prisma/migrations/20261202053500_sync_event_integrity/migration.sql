-- The device's clock at each push (for the correction of its events' times) and a hash of each event's
-- content, so a replay of an event id with other content is refused instead of taken for a duplicate.
ALTER TABLE "sync_event"
  ADD COLUMN "device_time" TIMESTAMP(3),
  ADD COLUMN "content_hash" TEXT;
