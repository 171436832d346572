import { describe, expect, test, vi } from "vitest";
import { ViewerCache, type CheckedSession } from "../../server/auth/viewer-cache";

const viewer = (id: string, role: "courier" | "admin" = "courier") => ({
  id,
  name: `User ${id}`,
  email: `${id}@example.test`,
  role,
  backupAccess: "write" as const,
  approver: false,
});
const session = (id: string, token = `token-${id}`, expiresAt = new Date(10_000_000)): CheckedSession => ({
  viewer: viewer(id),
  token,
  expiresAt,
});

function clock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe("the viewer cache", () => {
  test("a session checked once is trusted for the time to live, then checked again", async () => {
    const time = clock();
    const cache = new ViewerCache(5_000, time.now);
    const check = vi.fn(async () => session("u1"));
    expect(await cache.resolve("cookie-a", check)).toMatchObject({ viewer: { id: "u1" }, token: "token-u1" });
    time.advance(4_999);
    // A remembered answer still names the session, which a change to the account keeps signed in.
    expect(await cache.resolve("cookie-a", check)).toEqual({ viewer: viewer("u1"), token: "token-u1" });
    expect(check).toHaveBeenCalledTimes(1);
    time.advance(1);
    await cache.resolve("cookie-a", check);
    expect(check).toHaveBeenCalledTimes(2);
  });

  test("other cookies are checked on their own, and a refused or missing session is never kept", async () => {
    const cache = new ViewerCache(5_000, clock().now);
    const refused = vi.fn(async () => null);
    expect(await cache.resolve("cookie-b", refused)).toBeNull();
    expect(await cache.resolve("cookie-b", refused)).toBeNull();
    expect(await cache.resolve(null, refused)).toBeNull();
    expect(refused).toHaveBeenCalledTimes(3);
    expect(cache.size).toBe(0);

    const other = vi.fn(async () => session("u2"));
    await cache.resolve("cookie-a", async () => session("u1"));
    expect(await cache.resolve("cookie-a; theme=dark", other)).toMatchObject({ viewer: { id: "u2" } });
    expect(other).toHaveBeenCalledTimes(1);
  });

  test("an entry never outlives its session", async () => {
    const time = clock();
    const cache = new ViewerCache(5_000, time.now);
    const check = vi.fn(async () => session("u1", "t", new Date(time.now() + 1_000)));
    await cache.resolve("cookie-a", check);
    time.advance(1_000);
    await cache.resolve("cookie-a", check);
    expect(check).toHaveBeenCalledTimes(2);
  });

  test("forgetting a user or a session drops every entry for it at once", async () => {
    const cache = new ViewerCache(5_000, clock().now);
    await cache.resolve("phone", async () => session("u1", "t-phone"));
    await cache.resolve("desk", async () => session("u1", "t-desk"));
    await cache.resolve("other", async () => session("u2"));
    cache.forgetSession("t-phone");
    expect(cache.size).toBe(2);
    cache.forgetUser("u1");
    expect(cache.size).toBe(1);

    const check = vi.fn(async () => session("u1", "t-desk"));
    await cache.resolve("desk", check);
    expect(check).toHaveBeenCalledTimes(1);
  });

  test("a check that was under way when its user changed is answered but not kept", async () => {
    const cache = new ViewerCache(5_000, clock().now);
    let finish!: (checked: CheckedSession) => void;
    const pending = cache.resolve("cookie-a", () => new Promise((resolve) => (finish = resolve)));
    // The check read the user's old row; the change commits and is forgotten before the check returns.
    cache.forgetUser("u1");
    finish(session("u1"));
    expect(await pending).toMatchObject({ viewer: { id: "u1" } });
    expect(cache.size).toBe(0);
  });

  test("it holds a bounded number of entries, dropping expired ones first, then the oldest", async () => {
    const time = clock();
    const cache = new ViewerCache(5_000, time.now);
    await cache.resolve("old", async () => session("old", "t-old", new Date(time.now() + 10)));
    for (let n = 1; n < 10_000; n++) await cache.resolve(`cookie-${n}`, async () => session(`u${n}`));
    expect(cache.size).toBe(10_000);
    time.advance(10);
    await cache.resolve("new-1", async () => session("n1"));
    expect(cache.size).toBe(10_000);
    const oldest = vi.fn(async () => session("u1"));
    await cache.resolve("new-2", async () => session("n2"));
    expect(cache.size).toBe(10_000);
    await cache.resolve("cookie-1", oldest);
    expect(oldest).toHaveBeenCalledTimes(1);
    const kept = vi.fn(async () => session("u9999"));
    await cache.resolve("cookie-9999", kept);
    expect(kept).not.toHaveBeenCalled();
  });
});
