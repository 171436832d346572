import { TRPCError } from "@trpc/server";
import { beforeEach, describe, expect, test } from "vitest";
import type { AuditChanges } from "../../lib/audit";
import type { EventResult } from "../../lib/sync/events";
import type { Db } from "../../server/db";
import { createTape } from "../factories/backup";
import { jobInput } from "../factories/jobs";
import { locationEvent, tapeRegisteredEvent } from "../factories/sync-events";
import { callerFor, createTestAuth, signIn, useTestApp, type Caller } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";
import { createTestUser, TEST_PASSWORD } from "../factories/users";

/**
 * Many callers changing the same rows at once. On PostgreSQL (TEST_DATABASE_URL) the calls go through
 * three clients with pools of their own, as three app servers behind a load balancer would, so their
 * transactions really overlap and only the database's locks and constraints keep the data whole. PGlite
 * runs one transaction at a time, so there the same tests check the outcome of an arbitrary interleaving.
 */
const app = useTestApp();

/** The app servers: the file's own client and two more on the same database. */
let servers: Db[];
/** Signed-in users, each with a caller on every server. */
let staff: Caller[];
let courier: Caller[];
let other: Caller[];

async function userOnEveryServer(role: "staff", name: string): Promise<Caller[]> {
  const user = await createTestUser(app.db, { role, name });
  const headers = await signIn(app.auth, user.email, user.password);
  return Promise.all(servers.map((db) => callerFor(db, createTestAuth(db), headers)));
}

beforeEach(async () => {
  await truncateAll(app.db);
  servers ??= [app.db, app.connect(10), app.connect(10)];
  staff = await userOnEveryServer("staff", "Sam Staff");
  // Staff on a phone: the races include the phone registering cartridges and editing jobs, which couriers may not.
  courier = await userOnEveryServer("staff", "Cora Phone");
  other = await userOnEveryServer("staff", "Olga Other");
});

type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string; cause: string };

/** Starts every call before awaiting any, and reports each result or error the way a client would see it. */
async function race<T>(calls: (() => Promise<T>)[]): Promise<Outcome<T>[]> {
  const settled = await Promise.allSettled(calls.map((call) => call()));
  return settled.map((result) => {
    if (result.status === "fulfilled") return { ok: true, value: result.value };
    const error = result.reason as unknown;
    if (!(error instanceof TRPCError)) throw error;
    return { ok: false, code: error.code, message: error.message, cause: String(error.cause ?? "") };
  });
}

/**
 * A server error or a deadlock is a defect whoever loses the race; the message says what happened. Soft,
 * so the state the race left behind is checked and reported too.
 */
function expectNoServerErrors(outcomes: Outcome<unknown>[]) {
  const failures = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome]));
  const internal = failures.filter(
    (failure) => failure.code === "INTERNAL_SERVER_ERROR" || /deadlock/i.test(failure.message),
  );
  expect.soft(internal.map((failure) => `${failure.code}: ${failure.message.trim().split("\n").at(-1)}`)).toEqual([]);
  return failures;
}

const MINUTE = 60_000;
const minutesAgo = (minutes: number, now = Date.now()) => new Date(now - minutes * MINUTE);

describe("logging locations of one cartridge at once", () => {
  test("50 concurrent events from the desk and four phones leave all 50 in the history, one audit entry each, and exactly one current location: the latest", async () => {
    const tape = await staff[0]!.tapes.register({ barcode: "RACE01L9" });
    const now = Date.now();
    // 50 distinct times, in an order unrelated to when the calls start; the latest (0 minutes ago) is
    // neither the first nor the last call.
    const offsets = Array.from({ length: 50 }, (_, n) => (n * 17 + 23) % 50);
    const site = (offset: number) => `Stop ${offset}`;

    const calls = offsets.map((offset, n) => {
      const occurredAt = minutesAgo(offset, now);
      const kind = offset % 3 === 0 ? "on_site" : offset % 3 === 1 ? "in_transit" : "off_site";
      if (n % 5 < 3) {
        // The desk, spread over the three servers and two users.
        const caller = (n % 2 ? staff : other)[n % servers.length]!;
        return () =>
          caller.locations.log({ tapeId: tape.id, kind, site: site(offset), occurredAt }).then(() => undefined);
      }
      // A phone's event, pushed to whichever server the load balancer picks.
      const event = locationEvent(tape.barcode, { occurredAt, kind, site: site(offset) });
      return () =>
        courier[n % servers.length]!.sync.push({ deviceId: `phone-${n % 4}`, events: [event] }).then(
          (results: EventResult[]) => {
            expect(results).toEqual([{ id: event.id, status: "applied" }]);
          },
        );
    });

    const outcomes = await race(calls);
    expect.soft(expectNoServerErrors(outcomes).map((failure) => failure.message)).toEqual([]);

    const rows = await app.db.backupTapeLocation.findMany({ where: { tapeId: tape.id } });
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((row) => row.site))).toEqual(new Set(offsets.map(site)));
    const current = rows.filter((row) => row.isCurrent);
    expect(current.map((row) => row.site)).toEqual([site(0)]);
    expect(current[0]!.occurredAt).toEqual(minutesAgo(0, now));

    const audit = await app.db.backupAuditLog.findMany({ where: { entityType: "location" } });
    expect(audit).toHaveLength(50);
    expect(new Set(audit.map((entry) => entry.entityId))).toEqual(new Set(rows.map((row) => row.id)));
    expect(await app.db.syncEvent.count({ where: { status: "applied" } })).toBe(20);
  });
});

describe("pushing the same events from several places at once", () => {
  test("overlapping batches in different orders on three servers apply each event once, answer every push, and deadlock nowhere", async () => {
    const tapes = await Promise.all(Array.from({ length: 6 }, () => createTape(app.db)));
    const now = Date.now();
    const events = Array.from({ length: 400 }, (_, n) =>
      locationEvent(tapes[n % tapes.length]!.barcode, {
        occurredAt: minutesAgo((n * 37) % 400, now),
        site: `Stop ${n}`,
      }),
    );
    // A retry after a lost answer, another tab, a restored outbox: the same events in batches cut
    // differently and sent in another order, all at once. Four rounds, as the pushes of one round only
    // sometimes reach the database at the same moment.
    const outcomes: Outcome<EventResult[]>[] = [];
    for (let round = 0; round < 4; round++) {
      const mine = events.slice(round * 100, round * 100 + 100);
      const pushes = [
        mine,
        [...mine].reverse(),
        [...mine.slice(50), ...mine.slice(0, 50)],
        [...mine.slice(50), ...mine.slice(0, 50)].reverse(),
        mine.filter((_, n) => n % 2 === 0).reverse(),
        mine.slice(20, 90),
      ];
      outcomes.push(
        ...(await race(
          pushes.map((batch, n) => () => courier[n % 3]!.sync.push({ deviceId: `phone-${n % 2}`, events: batch })),
        )),
      );
    }
    expect.soft(expectNoServerErrors(outcomes).map((failure) => failure.message)).toEqual([]);

    // Each event applied by exactly one push; every other push that carried it calls it a duplicate.
    const answers = new Map<string, string[]>();
    for (const outcome of outcomes) {
      if (!outcome.ok) continue;
      for (const result of outcome.value) answers.set(result.id, [...(answers.get(result.id) ?? []), result.status]);
    }
    for (const event of events)
      expect(
        answers.get(event.id)?.filter((status) => status === "applied"),
        event.id,
      ).toEqual(["applied"]);
    expect([...answers.values()].flat().filter((status) => status !== "applied" && status !== "duplicate")).toEqual([]);

    expect(await app.db.syncEvent.count()).toBe(events.length);
    const rows = await app.db.backupTapeLocation.findMany();
    expect(rows.map((row) => row.eventId).toSorted()).toEqual(events.map((event) => event.id).toSorted());
    expect(await app.db.backupAuditLog.count({ where: { entityType: "location" } })).toBe(events.length);
    for (const tape of tapes) {
      const mine = rows.filter((row) => row.tapeId === tape.id);
      const latest = Math.max(...mine.map((row) => row.occurredAt.getTime()));
      expect(mine.filter((row) => row.isCurrent).map((row) => row.occurredAt.getTime())).toEqual([latest]);
    }
  });
});

describe("registering one barcode twice at the same moment", () => {
  const BARCODES = Array.from({ length: 12 }, (_, n) => `DUP${String(n).padStart(3, "0")}L8`);

  test("exactly one of two users succeeds, the other is told the barcode is taken, and there is one cartridge with one audit entry", async () => {
    // Twelve barcodes, each raced by two users on two different servers.
    const outcomes = await race(
      BARCODES.flatMap((barcode, n) => [
        () => staff[n % 3]!.tapes.register({ barcode }),
        () => other[(n + 1) % 3]!.tapes.register({ barcode }),
      ]),
    );
    expectNoServerErrors(outcomes);

    for (const [n, barcode] of BARCODES.entries()) {
      const pair = outcomes.slice(2 * n, 2 * n + 2);
      const winners = pair.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
      const losers = pair.flatMap((outcome) => (outcome.ok ? [] : [outcome]));
      expect(winners, barcode).toHaveLength(1);
      expect(losers.map(({ code, message }) => ({ code, message }))).toEqual([
        { code: "CONFLICT", message: `A cartridge with barcode ${barcode} is already registered` },
      ]);
      const stored = await app.db.backupTapeCartridge.findMany({ where: { barcode } });
      expect(stored.map((tape) => tape.id)).toEqual([winners[0]!.id]);
      const audit = await app.db.backupAuditLog.findMany({ where: { entityType: "tape", entityId: winners[0]!.id } });
      expect(audit.map((entry) => entry.action)).toEqual(["create"]);
    }
    expect(await app.db.backupTapeCartridge.count()).toBe(BARCODES.length);
    expect(await app.db.backupAuditLog.count({ where: { entityType: "tape" } })).toBe(BARCODES.length);
  });

  test("a phone's offline registration synced while the desk registers the same barcode: one cartridge, the loser is refused with the reason, never a server error", async () => {
    const events = BARCODES.map((barcode) => tapeRegisteredEvent(barcode));
    const outcomes = await race<{ desk: string } | { phone: EventResult }>(
      BARCODES.flatMap((barcode, n) => [
        () => staff[n % 3]!.tapes.register({ barcode }).then((tape) => ({ desk: tape.id })),
        () =>
          courier[(n + 1) % 3]!.sync.push({ deviceId: `phone-${n}`, events: [events[n]!] }).then(([result]) => ({
            phone: result!,
          })),
      ]),
    );
    expectNoServerErrors(outcomes);

    for (const [n, barcode] of BARCODES.entries()) {
      const [desk, phone] = outcomes.slice(2 * n, 2 * n + 2) as [
        Outcome<{ desk: string }>,
        Outcome<{ phone: EventResult }>,
      ];
      // The phone's push always answers; its event is either the registration or refused because of the desk's.
      expect(phone.ok, phone.ok ? "" : phone.message).toBe(true);
      const result = phone.ok ? phone.value.phone : undefined;
      const stored = await app.db.backupTapeCartridge.findMany({ where: { barcode } });
      expect(stored).toHaveLength(1);
      if (result?.status === "applied") {
        expect(desk).toMatchObject({
          ok: false,
          code: "CONFLICT",
          message: `A cartridge with barcode ${barcode} is already registered`,
        });
      } else {
        expect(result).toEqual({
          id: events[n]!.id,
          status: "rejected",
          reason: `A cartridge with barcode ${barcode} is already registered`,
        });
        expect(desk).toMatchObject({ ok: true, value: { desk: stored[0]!.id } });
      }
      const audit = await app.db.backupAuditLog.findMany({ where: { entityType: "tape", entityId: stored[0]!.id } });
      expect(audit.map((entry) => entry.action)).toEqual(["create"]);
    }
    expect(await app.db.backupTapeCartridge.count()).toBe(BARCODES.length);
    expect(await app.db.backupAuditLog.count({ where: { entityType: "tape" } })).toBe(BARCODES.length);
  });
});

describe("editing one job's span from several callers at once", () => {
  async function registerTapes(count: number, prefix: string) {
    const tapes = [];
    for (let n = 0; n < count; n++)
      tapes.push(await staff[0]!.tapes.register({ barcode: `${prefix}${String(n).padStart(2, "0")}L8` }));
    return tapes;
  }

  /** The job's links as stored, in position order. */
  async function storedSpan(jobId: string) {
    const links = await app.db.backupJobTape.findMany({
      where: { jobId },
      orderBy: { position: "asc" },
      include: { tape: true },
    });
    return { positions: links.map((link) => link.position), barcodes: links.map((link) => link.tape.barcode) };
  }

  async function jobTrail(jobId: string) {
    const entries = await app.db.backupAuditLog.findMany({
      where: { entityType: "job", entityId: jobId },
      orderBy: { id: "asc" },
    });
    return entries.map((entry) => ({
      action: entry.action,
      tapes: (entry.changes as AuditChanges).tapes as { from: string[] | null; to: string[] | null } | undefined,
    }));
  }

  /**
   * Each span entry starts from where the one before it ended, and the last ends at the stored span: no
   * edit or deletion was lost or applied over a span it did not read.
   */
  function expectTrailReplaysTo(trail: Awaited<ReturnType<typeof jobTrail>>, stored: string[]) {
    let span: string[] = [];
    for (const [index, entry] of trail.entries()) {
      if (!entry.tapes) continue;
      expect(entry.tapes.from ?? [], `entry ${index} (${entry.action}) starts where the previous one ended`).toEqual(
        span,
      );
      span = entry.tapes.to ?? [];
      expect(new Set(span).size, `entry ${index} names no cartridge twice`).toBe(span.length);
    }
    expect(span).toEqual(stored);
  }

  function expectWhole(stored: { positions: number[]; barcodes: string[] }) {
    expect(stored.positions).toEqual(stored.barcodes.map((_, index) => index + 1));
    expect(new Set(stored.barcodes).size).toBe(stored.barcodes.length);
  }

  test("concurrent span rewrites and edits apply one after another: positions 1..n, no cartridge twice, and an audit trail that replays to the stored span", async () => {
    const tapes = await registerTapes(8, "SPAN");
    const job = await staff[0]!.jobs.create(jobInput({ tapeIds: tapes.slice(0, 4).map((tape) => tape.id) }));
    // Different lengths and orders, so a half-applied or interleaved rewrite shows as a gap or a repeat.
    const spans = Array.from({ length: 24 }, (_, n) => {
      const rotated = [...tapes.slice(n % 8), ...tapes.slice(0, n % 8)];
      return rotated.slice(0, 1 + ((n * 5) % 8)).map((tape) => tape.id);
    });
    const outcomes = await race<unknown>(
      spans.map((tapeIds, n) => {
        const caller = [staff, other, courier][n % 3]![(n + 1) % 3]!;
        if (n % 4 === 3)
          return () => caller.jobs.update({ ...jobInput({ name: `Renamed ${n}` }), id: job.id, tapeIds });
        return () => caller.jobs.setSpan({ jobId: job.id, tapeIds });
      }),
    );
    expect(expectNoServerErrors(outcomes)).toEqual([]);

    const stored = await storedSpan(job.id);
    expectWhole(stored);
    const byId = new Map(tapes.map((tape) => [tape.id, tape.barcode]));
    expect(spans.map((span) => span.map((id) => byId.get(id)))).toContainEqual(stored.barcodes);
    const trail = await jobTrail(job.id);
    expect(trail[0]!.action).toBe("create");
    expectTrailReplaysTo(trail, stored.barcodes);
    const detail = await staff[1]!.jobs.get({ id: job.id });
    expect(detail.tapes.map((tape) => tape.barcode)).toEqual(stored.barcodes);
  });

  test("span edits racing the deletion of cartridges they name: each edit applies whole or is refused clearly, never a server error or a link to a deleted cartridge", async () => {
    // The window is between an edit reading its cartridges and writing the links: many edits over three
    // jobs and a dozen deletes make landing in it likely on every run.
    const tapes = await Promise.all(Array.from({ length: 24 }, () => createTape(app.db)));
    const jobs = await Promise.all(
      [0, 1, 2].map((n) =>
        staff[n]!.jobs.create(jobInput({ tapeIds: tapes.slice(3 * n, 3 * n + 3).map((tape) => tape.id) })),
      ),
    );
    const doomed = tapes.filter((_, index) => index % 2 === 1);
    const edits = Array.from({ length: 36 }, (_, n) => ({
      jobId: jobs[n % 3]!.id,
      tapeIds: Array.from({ length: 4 + (n % 4) }, (_, k) => tapes[(n * 5 + k) % tapes.length]!.id),
    }));
    const calls = [
      ...edits.map(
        (edit, n) => () => [staff, other, courier][n % 3]![(n + 1) % 3]!.jobs.setSpan(edit).then(() => "edit"),
      ),
      ...doomed.map((tape, n) => () => other[n % 3]!.tapes.delete({ id: tape.id }).then(() => "delete")),
      // Someone looking at a job page meanwhile sees whole cartridges, never a hole where one was deleted.
      ...Array.from(
        { length: 12 },
        (_, n) => () =>
          courier[n % 3]!.jobs.get({ id: jobs[n % 3]!.id }).then((job) => {
            expect(job.tapes.filter((tape) => !tape?.barcode)).toEqual([]);
            return "read";
          }),
      ),
    ];
    // Deletes in among the edits rather than after them all.
    const order = calls.map((_, index) => index).sort((a, b) => ((a * 7) % calls.length) - ((b * 7) % calls.length));
    const outcomes = await race(order.map((index) => calls[index]!));
    const failures = expectNoServerErrors(outcomes);
    for (const failure of failures) {
      expect(["BAD_REQUEST", "CONFLICT"]).toContain(failure.code);
      // An edit naming a cartridge deleted first, or a delete that an edit adding its cartridge overtook.
      expect(failure.message).toMatch(
        /^(No cartridges? with ids? .* (is|are) registered|The cartridge was just added to a job; try deleting it again)$/,
      );
    }
    const remaining = new Set(
      (await app.db.backupTapeCartridge.findMany({ where: { id: { in: doomed.map((tape) => tape.id) } } })).map(
        (tape) => tape.barcode,
      ),
    );
    const refusedDeletes = failures.filter((failure) => failure.code === "CONFLICT").length;
    expect(remaining.size).toBe(refusedDeletes);
    expect(outcomes.filter((outcome) => outcome.ok && outcome.value === "delete")).toHaveLength(
      doomed.length - refusedDeletes,
    );

    const deleted = new Set(doomed.map((tape) => tape.barcode).filter((barcode) => !remaining.has(barcode)));
    for (const job of jobs) {
      const stored = await storedSpan(job.id);
      // Deletions close the spans up and write their own job entries: positions stay 1..n, and the trail
      // replays to the stored span with nothing left out.
      expectWhole(stored);
      expect(stored.barcodes.filter((barcode) => deleted.has(barcode))).toEqual([]);
      expectTrailReplaysTo(await jobTrail(job.id), stored.barcodes);
    }
  });

  test("span edits racing the job's deletion land before it or are told the job is gone; nothing of the job is left but its trail", async () => {
    const tapes = await registerTapes(5, "JDEL");
    const job = await staff[0]!.jobs.create(jobInput({ tapeIds: [tapes[0]!.id] }));
    const calls: (() => Promise<unknown>)[] = Array.from(
      { length: 12 },
      (_, n) => () =>
        [staff, other, courier][n % 3]![(n + 1) % 3]!.jobs.setSpan({
          jobId: job.id,
          tapeIds: tapes
            .slice(0, 1 + (n % 5))
            .reverse()
            .map((tape) => tape.id),
        }),
    );
    calls.splice(5, 0, () => other[2]!.jobs.delete({ id: job.id }));
    const outcomes = await race(calls);
    const failures = expectNoServerErrors(outcomes);
    expect(failures.map(({ code, message }) => ({ code, message }))).toEqual(
      failures.map(() => ({ code: "NOT_FOUND", message: "Backup job was not found" })),
    );
    expect(outcomes[5]!.ok).toBe(true);

    expect(await app.db.backupJob.count()).toBe(0);
    expect(await app.db.backupJobTape.count()).toBe(0);
    const trail = await jobTrail(job.id);
    expect(trail.at(-1)!.action).toBe("delete");
    // An edit that leaves the span as it was writes no entry, so there are at most as many as edits that went through.
    expect(trail.filter((entry) => entry.action === "span").length).toBeLessThanOrEqual(
      outcomes.filter((outcome, index) => index !== 5 && outcome.ok).length,
    );
    expect(trail.filter((entry) => entry.action === "delete")).toHaveLength(1);
    expectTrailReplaysTo(trail, []);
  });
});

describe("reading a cartridge's page while the jobs written to it are deleted", () => {
  test("every read shows a consistent page: each job it lists whole, its expiry from those jobs, never a server error", async () => {
    const tape = await createTape(app.db);
    const jobs = [];
    for (let n = 0; n < 24; n++)
      jobs.push(await staff[n % 3]!.jobs.create(jobInput({ name: `Nightly ${n}`, tapeIds: [tape.id] })));
    // Deletes and reads interleaved, on all three servers.
    const calls = jobs.flatMap((job, n) => [
      () => other[n % 3]!.jobs.delete({ id: job.id }).then(() => null),
      () => courier[(n + 1) % 3]!.tapes.get({ id: tape.id }),
    ]);
    const outcomes = await race<Awaited<ReturnType<Caller["tapes"]["get"]>> | null>(calls);
    expect(expectNoServerErrors(outcomes)).toEqual([]);
    for (const outcome of outcomes) {
      if (!outcome.ok || !outcome.value) continue;
      const page = outcome.value;
      expect(page.jobs.every((link) => link.job?.name.startsWith("Nightly"))).toBe(true);
      const latest = page.jobs.reduce<Date | null>(
        (max, link) => (!max || link.job.expiresAt > max ? link.job.expiresAt : max),
        null,
      );
      expect(page.expiresAt).toEqual(latest);
    }
    expect(await app.db.backupJobTape.count({ where: { tapeId: tape.id } })).toBe(0);
  });
});

/** Rounds of a race between two calls: one round only sometimes overlaps them in the database. */
const ROUNDS = 3;

describe("administrators changing each other at once", () => {
  /** Two administrators signed in, each with a caller on every server. */
  async function twoAdmins() {
    const alice = await createTestUser(app.db, { role: "admin", name: "Alice Admin" });
    const bob = await createTestUser(app.db, { role: "admin", name: "Bob Admin" });
    const callers = async (user: typeof alice) => {
      const headers = await signIn(app.auth, user.email, user.password);
      return Promise.all(servers.map((db) => callerFor(db, createTestAuth(db), headers)));
    };
    return { alice, bob, asAlice: await callers(alice), asBob: await callers(bob) };
  }

  const activeAdmins = () => app.db.user.count({ where: { role: "admin", active: true } });

  test("two administrators demoting each other: one succeeds, the other is told an administrator must remain", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await truncateAll(app.db);
      const { alice, bob, asAlice, asBob } = await twoAdmins();
      const outcomes = await race([
        () => asAlice[1]!.access.setRole({ userId: bob.id, role: "staff" }),
        () => asBob[2]!.access.setRole({ userId: alice.id, role: "staff" }),
      ]);
      const failures = expectNoServerErrors(outcomes);
      // The loser may also be refused because the winner demoted them first: then they are no admin.
      expect(failures, `round ${round}`).toHaveLength(1);
      expect(failures[0]!.message).toMatch(/there must always be one active administrator|Only administrators/);
      expect(await activeAdmins(), `round ${round}`).toBe(1);
    }
  }, 180_000);

  test("two administrators deactivating each other: one stays active", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await truncateAll(app.db);
      const { alice, bob, asAlice, asBob } = await twoAdmins();
      const outcomes = await race([
        () => asAlice[1]!.access.setActive({ userId: bob.id, active: false }),
        () => asBob[2]!.access.setActive({ userId: alice.id, active: false }),
      ]);
      expect(expectNoServerErrors(outcomes), `round ${round}`).toHaveLength(1);
      expect(await activeAdmins(), `round ${round}`).toBe(1);
    }
  }, 180_000);
});

describe("creating two users with one email at once", () => {
  test("one is created, the other is told the email is taken; never a server error", async () => {
    const admin = await createTestUser(app.db, { role: "admin", name: "Alice Admin" });
    const headers = await signIn(app.auth, admin.email, admin.password);
    const asAdmin = await Promise.all(servers.map((db) => callerFor(db, createTestAuth(db), headers)));
    for (let round = 0; round < ROUNDS; round++) {
      const email = `twin-${round}@example.test`;
      const outcomes = await race(
        asAdmin.map(
          (caller, n) => () =>
            caller.access.createUser({ name: `Twin ${n}`, email, password: TEST_PASSWORD, role: "staff" }),
        ),
      );
      const failures = expectNoServerErrors(outcomes);
      expect(failures, `round ${round}`).toHaveLength(servers.length - 1);
      for (const failure of failures) {
        expect(failure).toMatchObject({ code: "CONFLICT", message: `A user with the email ${email} already exists` });
      }
      expect(await app.db.user.count({ where: { email } })).toBe(1);
      expect(await app.db.backupAuditLog.count({ where: { entityType: "user", action: "create" } })).toBe(round + 1);
    }
  }, 180_000);
});
