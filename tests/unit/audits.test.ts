import { describe, expect, test } from "vitest";
import {
  auditCounts,
  auditStepRefusal,
  expectedOutcome,
  registerUnknownSchema,
  startAuditSchema,
  type AuditState,
} from "../../lib/audits";
import { auditScannedEvent, eventSubject } from "../../lib/sync/events";
import { auditScope } from "../../lib/vocabulary";

const SITE = "0193a1b2-0000-7000-8000-000000000001";
const AUDIT = "0193a1b2-0000-7000-8000-0000000000a1";
const audit = (state: AuditState, correctedAt: Date | null = null) => ({ number: "I-2026-0003", state, correctedAt });

describe("the steps of an audit", () => {
  test("an open audit takes scans, registrations, closing and cancelling, not corrections", () => {
    for (const step of ["scan", "registerUnknown", "close", "cancel"] as const)
      expect(auditStepRefusal(step, audit("open"))).toBeNull();
    expect(auditStepRefusal("applyCorrections", audit("open"))).toBe(
      "Audit I-2026-0003 is open: corrections are applied once it is closed",
    );
  });

  test("a closed audit takes its corrections once, and nothing else", () => {
    expect(auditStepRefusal("applyCorrections", audit("closed"))).toBeNull();
    expect(auditStepRefusal("applyCorrections", audit("closed", new Date()))).toBe(
      "The corrections of audit I-2026-0003 were already applied",
    );
    expect(auditStepRefusal("close", audit("closed"))).toBe("Audit I-2026-0003 is closed and cannot be closed");
    expect(auditStepRefusal("scan", audit("closed"))).toBe("Audit I-2026-0003 is closed and cannot be scanned for");
  });

  test("a cancelled audit takes no step", () => {
    for (const step of ["scan", "registerUnknown", "close", "cancel", "applyCorrections"] as const)
      expect(auditStepRefusal(step, audit("cancelled"))).toMatch(/^Audit I-2026-0003 is cancelled/);
  });
});

describe("what an expected cartridge came to, and the counts", () => {
  test("scanned: present; not scanned: missing once closed, not scanned yet otherwise", () => {
    expect(expectedOutcome("open", true)).toBe("present");
    expect(expectedOutcome("open", false)).toBe("not_scanned");
    expect(expectedOutcome("closed", false)).toBe("missing");
    expect(expectedOutcome("cancelled", false)).toBe("not_scanned");
  });

  test("counts each scan's outcome; every expected cartridge not found present is missing", () => {
    expect(
      auditCounts(
        ["a", "b", "c"],
        [{ outcome: "present" }, { outcome: "misplaced" }, { outcome: "unknown" }, { outcome: "unknown" }],
      ),
    ).toEqual({ expected: 3, present: 1, misplaced: 1, unknown: 2, missing: 2 });
    expect(auditCounts([], [])).toEqual({ expected: 0, present: 0, misplaced: 0, unknown: 0, missing: 0 });
  });

  test("the scope in words", () => {
    expect(auditScope({ shelf: "B-2", locker: null })).toBe("shelf B-2");
    expect(auditScope({ shelf: null, locker: "4" })).toBe("locker 4");
    expect(auditScope({ shelf: null, locker: null })).toBe("the whole site");
  });
});

describe("the inputs", () => {
  test("an audit starts at a site, optionally one shelf or one locker, not both; blanks are none", () => {
    expect(startAuditSchema.parse({ siteId: SITE, shelf: "  B-2 ", locker: "" })).toEqual({
      siteId: SITE,
      shelf: "B-2",
      locker: null,
      notes: null,
    });
    const both = startAuditSchema.safeParse({ siteId: SITE, shelf: "B-2", locker: "4" });
    expect(both.error?.issues).toMatchObject([
      { path: ["locker"], message: "Audit one shelf or one locker, not both" },
    ]);
    expect(startAuditSchema.safeParse({ siteId: "vault" }).error?.issues[0]?.message).toBe("Choose the site to audit");
  });

  test("registering an unknown label takes the registration form's fields beside the audit", () => {
    const parsed = registerUnknownSchema.parse({ auditId: AUDIT, barcode: "abc123l8", tags: ["found"] });
    expect(parsed).toMatchObject({
      auditId: AUDIT,
      nonStandard: false,
      tags: ["found"],
      barcode: { barcode: "ABC123L8" },
    });
    const custom = registerUnknownSchema.parse({
      auditId: AUDIT,
      nonStandard: true,
      barcode: "LIB-0042",
      mediaId: "L7",
    });
    expect(custom).toMatchObject({
      auditId: AUDIT,
      nonStandard: true,
      barcode: { barcode: "LIB-0042", generation: 7 },
    });
    expect(registerUnknownSchema.safeParse({ auditId: "x", barcode: "ABC123L8" }).success).toBe(false);
  });

  test("a scan is the audit.scanned event, about the label as the outbox indexes it", () => {
    const event = {
      id: "0193a1b2-0000-7000-8000-0000000000e1",
      type: "audit.scanned" as const,
      occurredAt: new Date(),
      payload: { auditId: AUDIT, barcode: " abc123l8 " },
    };
    expect(auditScannedEvent.parse(event).payload).toEqual({ auditId: AUDIT, barcode: { barcode: "ABC123L8" } });
    expect(eventSubject({ ...event, payload: { auditId: AUDIT, barcode: "ABC123L8" } })).toBe("ABC123L8");
    expect(auditScannedEvent.safeParse({ ...event, payload: { auditId: AUDIT, barcode: "" } }).success).toBe(false);
  });
});
