import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { currentOf, supersedes } from "../../lib/sync/current-location";

/** Reproduce a failure with the seed fast-check prints: FC_SEED=<seed> npx vitest run --project unit <this file>. */
const settings = { seed: Number(process.env.FC_SEED ?? 20_261_202), numRuns: 500 };

type Recorded = { occurredAt: Date; seq: number };

// Few distinct times, so that ties (two events at the same moment) come up often.
const recordedLocations = fc
  .array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 })
  .map((minutes) =>
    minutes.map((minute, seq): Recorded => ({ occurredAt: new Date(Date.UTC(2026, 10, 26, 9, minute)), seq })),
  );

describe("supersedes", () => {
  test("a later time wins, an earlier one does not, and at the same time the one recorded later wins", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), (a, b) => {
        const first = { occurredAt: new Date(a) };
        const second = { occurredAt: new Date(b) };
        expect(supersedes(second, first)).toBe(b >= a);
        expect(supersedes(second, null)).toBe(true);
      }),
      settings,
    );
  });

  test("the current one is the latest, and of the latest the one recorded last", () => {
    fc.assert(
      fc.property(recordedLocations, (locations) => {
        const latest = Math.max(...locations.map((location) => location.occurredAt.getTime()));
        const lastAtLatest = locations.filter((location) => location.occurredAt.getTime() === latest).at(-1);
        expect(currentOf(locations)).toBe(lastAtLatest ?? null);
      }),
      settings,
    );
  });

  test("applied in batches of any size (the server per push, the cache per pull), the outcome is the same", () => {
    fc.assert(
      fc.property(recordedLocations, fc.nat(), (locations, cut) => {
        const split = locations.length === 0 ? 0 : cut % (locations.length + 1);
        const inTwo = currentOf(locations.slice(split), currentOf(locations.slice(0, split)));
        expect(inTwo).toBe(currentOf(locations));
      }),
      settings,
    );
  });

  test("one at a time against what is current, as the server applies them, gives the same as the whole list", () => {
    fc.assert(
      fc.property(recordedLocations, (locations) => {
        let current: Recorded | null = null;
        for (const location of locations) if (supersedes(location, current)) current = location;
        expect(current).toBe(currentOf(locations));
      }),
      settings,
    );
  });
});
