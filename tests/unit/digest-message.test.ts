import { afterEach, describe, expect, test, vi } from "vitest";
import type { Db } from "../../server/db";
import { parseEnv } from "../../server/env";
import type { Attention } from "../../server/reminders/attention";
import { digestMessage } from "../../server/reminders/digest";
import { retryDelay, startDigestScheduler } from "../../server/reminders/scheduler";

const AT = new Date("2026-03-10T06:00:00Z");
const none = { count: 0, examples: [] };

/** Nothing due, with `items` overriding some of it. */
function attention(items: Partial<Attention["items"]> = {}): Attention {
  const all: Attention["items"] = {
    send: { ...none, overdue: 0 },
    bringBack: { ...none, overdue: 0 },
    overdueConsignments: none,
    consignmentIncidents: none,
    sealIncidents: none,
    auditMissing: none,
    inventoryDue: none,
    ...items,
  };
  return { at: AT, items: all, total: Object.values(all).reduce((sum, item) => sum + item.count, 0) };
}

const options = { appUrl: "https://tapes.example.com/", recipientName: "Ann <Lee>" };

describe("the digest's text", () => {
  test("nothing due: no message", () => {
    expect(digestMessage(attention(), options)).toBeNull();
  });

  test("one line per item due with its count, examples, how many more and the list's link", () => {
    const message = digestMessage(
      attention({
        send: {
          count: 7,
          overdue: 2,
          examples: [
            {
              id: "t1",
              barcode: "AB0001L8",
              site: "Server room",
              nextMove: new Date("2026-03-08T00:00:00Z"),
              overdue: true,
            },
            { id: "t2", barcode: "AB0002L8", site: null, nextMove: new Date("2026-03-10T00:00:00Z"), overdue: false },
          ],
        },
        inventoryDue: {
          count: 1,
          examples: [{ siteId: "s1", siteName: "Vault", lastCompleteAuditAt: new Date("2025-01-02T12:00:00Z") }],
        },
      }),
      options,
    )!;
    expect(message.subject).toBe("Backup Monitor, 10 Mar 2026: 2 items need attention");
    expect(message.text).toBe(
      [
        "Hello Ann <Lee>,",
        "",
        "This is what needs attention in Backup Monitor on 10 Mar 2026.",
        "",
        "7 cartridges to send off site (2 overdue)",
        "  - AB0001L8: send by 8 Mar 2026 (overdue), at Server room",
        "  - AB0002L8: send by 10 Mar 2026",
        "  and 5 more",
        "  https://tapes.example.com/backup/rotation/send",
        "",
        "1 site due for an inventory audit",
        "  - Vault: last complete audit 2 Jan 2025",
        "  https://tapes.example.com/manage/sites",
        "",
        "You receive this because you turned on the daily digest in Manage → Notifications: https://tapes.example.com/manage/notifications",
        "",
      ].join("\n"),
    );
    expect(message.html).toContain("<p>Hello Ann &lt;Lee&gt;,</p>");
    expect(message.html).toContain(
      '<a href="https://tapes.example.com/backup/tapes/t1">AB0001L8: send by 8 Mar 2026 (overdue), at Server room</a>',
    );
    expect(message.html).toContain("<li>and 5 more</li>");
  });

  test("one item: the subject says so in the singular", () => {
    const message = digestMessage(
      attention({
        sealIncidents: {
          count: 1,
          examples: [{ id: "c1", number: "C-2026-0004", sealDiscrepancy: 'Seal "7" & tape' }],
        },
      }),
      options,
    )!;
    expect(message.subject).toBe("Backup Monitor, 10 Mar 2026: 1 item needs attention");
    expect(message.text).toContain('1 seal discrepancy not resolved\n  - C-2026-0004: Seal "7" & tape\n');
    expect(message.html).toContain("C-2026-0004: Seal &quot;7&quot; &amp; tape");
  });
});

describe("the digest's schedule", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test("retries wait 5 minutes, doubling, at most 2 hours", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((attempts) => retryDelay(attempts) / 60_000)).toEqual([
      5, 10, 20, 40, 80, 120, 120,
    ]);
  });

  test("no mail server: no scheduler", () => {
    expect(startDigestScheduler({} as Db, parseEnv({} as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv))).toBeNull();
  });

  test("a pass that fails is logged and the next one still runs", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.setSystemTime(new Date("2026-03-10T07:00:00Z"));
    const findMany = vi.fn().mockRejectedValue(new Error("database unreachable"));
    const errors: unknown[][] = [];
    const scheduler = startDigestScheduler(
      { user: { findMany } } as unknown as Db,
      parseEnv({
        SMTP_HOST: "127.0.0.1",
        MAIL_FROM: "tapes@example.com",
      } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv),
      { error: (...parts: unknown[]) => errors.push(parts) },
    )!;
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(findMany).toHaveBeenCalledTimes(2);
    expect(errors).toHaveLength(2);
    expect(String(errors[0]![1])).toContain("database unreachable");
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(findMany).toHaveBeenCalledTimes(2);
  });
});
