import { describe, expect, test } from "vitest";
import { describeEntry } from "../../app/(app)/backup/_components/audit-format";
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, type AuditAction } from "../../lib/audit";
import { unreachable } from "../../lib/exhaustive";

describe("audit actions", () => {
  test("the union only grows: every action ever written is still in it", () => {
    // Entries written by earlier versions stay in the log; removing or renaming one of these would leave
    // them unreadable. Extend this list when an action is added, never shorten it.
    const written = [
      "create",
      "update",
      "delete",
      "span",
      "discard",
      "deactivate",
      "reactivate",
      "change_role",
      "set_access",
    ];
    expect(AUDIT_ACTIONS).toEqual(expect.arrayContaining(written));
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
  });

  test("every action of every entity reads as a sentence", () => {
    for (const entityType of AUDIT_ENTITY_TYPES) {
      for (const action of AUDIT_ACTIONS) {
        const { summary, changes } = describeEntry(entityType, { action, changes: {} }, "UTC");
        expect(summary ?? changes.length, `${entityType} ${action}`).toBeTruthy();
      }
    }
  });

  test("an action from outside the union is an error, not a blank line", () => {
    expect(() => describeEntry("tape", { action: "rename" as AuditAction, changes: {} }, "UTC")).toThrow(
      'Unexpected audit action: "rename"',
    );
    expect(() => unreachable("x" as never)).toThrow('Unexpected value: "x"');
  });
});
