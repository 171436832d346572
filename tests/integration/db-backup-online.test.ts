import fs from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import * as databaseRoute from "../../app/backup/database/route";
import type { EventResult, SyncEvent } from "../../lib/sync/events";
import { createAuditCheckpoint, verifyAuditChain } from "../../server/audit/chain";
import { auditKey } from "../../server/audit/key";
import type { Auth } from "../../server/auth/auth";
import { createDb, type Db } from "../../server/db";
import { restoreBackup, writeFileDurably } from "../../server/db/backup";
import { migrate } from "../../server/db/migrate";
import { createAppRequestHandler } from "../../server/http/app-server";
import { custodyEvent, locationEvent, tapeRegisteredEvent } from "../factories/sync-events";
import { createTestUser } from "../factories/users";
import { createTestAuth, signIn } from "../helpers/app";
import { testDatabaseUrl } from "../helpers/database";

// The tRPC endpoint and the backup route reach the app's database and auth through these two getters;
// here they answer with this file's own, so the real modules run unchanged.
const deps = vi.hoisted(() => ({ db: undefined as Db | undefined, auth: undefined as Auth | undefined }));
vi.mock(import("../../server/db"), async (importOriginal) => ({ ...(await importOriginal()), getDb: () => deps.db! }));
vi.mock(import("../../server/auth/auth"), async (importOriginal) => ({
  ...(await importOriginal()),
  getAuth: async () => deps.auth!,
}));

const PHONES = 3;
/** Pushes acknowledged in all before the backup is asked for, and by each phone after it arrived. */
const PUSHES_BEFORE = 6;
const PUSHES_AFTER = 2;

let tmp: string;
let db: Db;
let server: Server;
let base: string;

/** What Next.js does for the backup route: hands it the request and sends back its answer. */
async function nextStandIn(request: IncomingMessage, response: ServerResponse) {
  if (request.method === "GET" && request.url === "/backup/database") {
    const answer = await databaseRoute.GET(incomingMessageToRequest(request, response, { maxBodySize: null }));
    response.writeHead(answer.status, Object.fromEntries(answer.headers)).end(Buffer.from(await answer.arrayBuffer()));
  } else {
    response.writeHead(404).end();
  }
}

async function push(cookie: string, deviceId: string, events: SyncEvent[]): Promise<EventResult[]> {
  const response = await fetch(`${base}/api/trpc/sync.push`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base, cookie },
    body: superjson.stringify({ deviceId, events }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`A push was refused (${response.status}): ${JSON.stringify(body)}`);
  return superjson.deserialize<EventResult[]>(body.result.data);
}

/**
 * A request sent again until it is answered, as the field app retries a push: a connection the server
 * closes as idle just as a request goes out on it (keep-alive) fails with no answer. A push may have been
 * applied before its answer was lost; sent again, its events answer as duplicates.
 */
async function untilAnswered<T>(send: () => Promise<T>): Promise<{ answer: T; resent: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { answer: await send(), resent: attempt > 1 };
    } catch (error) {
      if (!(error instanceof TypeError) || attempt === 3) throw error;
    }
  }
}

type Batch = { ids: string[]; sentAt: number; acknowledgedAt: number };

/**
 * The run: phones push over HTTP, one batch at a time each, as the field app does; an administrator asks
 * for a backup once they are under way; the phones keep pushing until each has had batches acknowledged
 * after the backup arrived.
 */
async function pushWhileBackingUp(cookies: { courier: string; admin: string }, barcodes: string[]) {
  const batches = new Map<string, Batch[]>();
  const backupAt = { start: Infinity, end: Infinity };
  let backupDone = false;
  let failed = false;
  let acknowledged = 0;
  let underWay!: () => void;
  const phonesUnderWay = new Promise<void>((resolve) => (underWay = resolve));

  const phone = async (deviceId: string) => {
    const mine: Batch[] = [];
    batches.set(deviceId, mine);
    try {
      const pushedAfter = () => mine.filter((batch) => batch.sentAt > backupAt.end).length;
      for (let round = 0; !failed && (!backupDone || pushedAfter() < PUSHES_AFTER); round++) {
        const barcode = barcodes[round % barcodes.length]!;
        const events = [locationEvent(barcode, { site: `${deviceId} round ${round}` }), custodyEvent(barcode)];
        const sentAt = performance.now();
        const { answer, resent } = await untilAnswered(() => push(cookies.courier, deviceId, events));
        const whole = resent
          ? [
              ["applied", "applied"],
              ["duplicate", "duplicate"],
            ]
          : [["applied", "applied"]];
        expect(whole).toContainEqual(answer.map((result) => result.status));
        mine.push({ ids: events.map((event) => event.id), sentAt, acknowledgedAt: performance.now() });
        if (++acknowledged >= PUSHES_BEFORE) underWay();
      }
    } catch (error) {
      failed = true;
      underWay();
      throw error;
    }
  };

  const phones = Array.from({ length: PHONES }, (_, index) => phone(`phone-${index + 1}`));
  const backup = (async () => {
    await phonesUnderWay;
    if (failed) return null;
    // Every entry sealed by now must be in the backup; the restored chain is checked against this head.
    const checkpoint = await createAuditCheckpoint(db);
    backupAt.start = performance.now();
    try {
      const { answer: response } = await untilAnswered(() =>
        fetch(`${base}/backup/database`, { headers: { cookie: cookies.admin } }),
      );
      expect(response.status, await response.clone().text()).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/gzip");
      return { checkpoint, bytes: new Uint8Array(await response.arrayBuffer()) };
    } finally {
      backupAt.end = performance.now();
      backupDone = true;
    }
  })();
  const [taken] = await Promise.all([backup, ...phones]);
  return { taken: taken!, batches, backupAt };
}

// The embedded database only: on PostgreSQL, pg_dump takes consistent backups of a running server.
describe.skipIf(testDatabaseUrl())("a backup of the embedded database while phones push", () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "backup-monitor-online-"));
    // Migrated as `npm start` does it, so it has the migration history a restore checks for.
    await migrate(path.resolve(__dirname, "../.."), { kind: "pglite", dataDir: path.join(tmp, "data") });
    // Opened as the server opens it: on disk, fsync on, locked by this process.
    db = createDb({ kind: "pglite", dataDir: path.join(tmp, "data") });
    deps.db = db;
    deps.auth = createTestAuth(db);
    server = createServer(createAppRequestHandler({ trustedProxies: [], appUrl: undefined, next: nextStandIn }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 300_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await db?.$disconnect();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("it restores to an intact audit chain holding every event acknowledged before it, each whole", async () => {
    const signedIn = async (role: "courier" | "admin") => {
      const user = await createTestUser(db, { role });
      return (await signIn(deps.auth!, user.email, user.password)).get("cookie")!;
    };
    const cookies = { courier: await signedIn("courier"), admin: await signedIn("admin") };
    const barcodes = ["ONL001L9", "ONL002L9", "ONL003L8"];
    const registering = barcodes.map((barcode) => tapeRegisteredEvent(barcode));
    const { answer: registered } = await untilAnswered(() => push(cookies.admin, "setup", registering));
    expect(registered.every((result) => result.status !== "rejected")).toBe(true);

    const { taken, batches, backupAt } = await pushWhileBackingUp(cookies, barcodes);
    const all = [...batches.values()].flat();
    const acknowledgedBefore = all.filter((batch) => batch.acknowledgedAt < backupAt.start);
    expect(acknowledgedBefore.length).toBeGreaterThanOrEqual(PUSHES_BEFORE);
    // The server kept acknowledging pushes while it took the backup, and after.
    expect(
      all.filter((batch) => batch.acknowledgedAt > backupAt.start && batch.acknowledgedAt < backupAt.end).length,
      "pushes acknowledged while the backup was taken",
    ).toBeGreaterThan(0);
    for (const [phone, mine] of batches) {
      expect(mine.filter((batch) => batch.sentAt > backupAt.end).length, `${phone} after the backup`).toBe(
        PUSHES_AFTER,
      );
    }

    const file = path.join(tmp, "online.tar.gz");
    writeFileDurably(file, taken.bytes);
    const restoredDir = path.join(tmp, "restored");
    await restoreBackup(file, restoredDir);
    const restored = createDb({ kind: "pglite", dataDir: restoredDir });
    try {
      // Intact, sealed with the server's key, and holding every entry sealed before the backup was asked for.
      expect(await verifyAuditChain(restored, { key: auditKey(), checkpoint: taken.checkpoint })).toMatchObject({
        intact: true,
        keyed: true,
      });

      const events = await restored.syncEvent.findMany({ where: { deviceId: { startsWith: "phone-" } } });
      const ids = new Set(events.map((event) => event.id));
      expect(
        acknowledgedBefore.flatMap((batch) => batch.ids).filter((id) => !ids.has(id)),
        "acknowledged events missing from the backup",
      ).toEqual([]);
      // The copy is the database at one moment: each phone's batches up to some point, each batch whole.
      for (const [phone, mine] of batches) {
        const kept = mine.map((batch) => batch.ids.filter((id) => ids.has(id)).length);
        const whole = kept.findIndex((count) => count < 2);
        expect(
          kept.slice(whole === -1 ? kept.length : whole).every((count) => count === 0),
          `${phone}: ${kept}`,
        ).toBe(true);
      }
      expect(events.every((event) => event.status === "applied")).toBe(true);

      // Each event with its location or custody row, and that row with its audit entry.
      const rows = [
        ...(await restored.backupTapeLocation.findMany({ where: { eventId: { in: [...ids] } } })).map((row) => ({
          type: "location",
          ...row,
        })),
        ...(await restored.backupTapeCustody.findMany({ where: { eventId: { in: [...ids] } } })).map((row) => ({
          type: "custody",
          ...row,
        })),
      ];
      expect(rows.map((row) => row.eventId).sort()).toEqual([...ids].sort());
      const audited = await restored.backupAuditLog.findMany({
        where: { entityType: { in: ["location", "custody"] }, entityId: { in: rows.map((row) => row.id) } },
      });
      expect(audited.map((entry) => `${entry.entityType} ${entry.entityId}`).sort()).toEqual(
        rows.map((row) => `${row.type} ${row.id}`).sort(),
      );
    } finally {
      await restored.$disconnect();
    }
  }, 300_000);
});
