import { beforeEach, expect, test } from "vitest";
import { createTape } from "../factories/backup";
import { locationEvent } from "../factories/sync-events";
import { clientError, signedInUser, useTestApp } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

beforeEach(() => truncateAll(app.db));

test("events recorded by one user are refused under another user's session, and nothing is applied", async () => {
  const alice = await signedInUser(app, { role: "courier", name: "Alice Courier" });
  const bob = await signedInUser(app, { role: "courier", name: "Bob Courier" });
  const tape = await createTape(app.db);
  const event = locationEvent(tape.barcode);

  const refused = await clientError(
    bob.caller.sync.push({ deviceId: "shared-phone", author: alice.user.id, events: [event] }),
  );
  expect(refused.data.code).toBe("UNAUTHORIZED");
  expect(refused.message).toMatch(/recorded by another user/);
  expect(await app.db.syncEvent.count()).toBe(0);
  expect(await app.db.backupTapeLocation.count()).toBe(0);

  // Alice signs in on the phone again: the same event applies once, as hers.
  expect(await alice.caller.sync.push({ deviceId: "shared-phone", author: alice.user.id, events: [event] })).toEqual([
    { id: event.id, status: "applied" },
  ]);
  const location = await app.db.backupTapeLocation.findUniqueOrThrow({ where: { eventId: event.id } });
  expect(location.recordedById).toBe(alice.user.id);
});
