import { describe, expect, test } from "vitest";
import { CAPABILITIES, can, refusal, type Capability, type CapabilityHolder } from "../../lib/capabilities";

const holder = (role: CapabilityHolder["role"], backupAccess: "read" | "write" = "write", approver = false) => ({
  role,
  backupAccess,
  approver,
});

/** What each role may do with write access, written out here so the table in lib/ can be caught out. */
const EXPECTED: Record<string, readonly Capability[]> = {
  admin: CAPABILITIES,
  staff: [
    "catalogue.edit",
    "catalogue.delete",
    "jobs.edit",
    "jobs.delete",
    "movements.record",
    "sites.manage",
    "rotation.recall",
    "consignments.manage",
    "consignments.dispatch",
    "consignments.receive",
    "audits.run",
    "audits.scan",
    "destruction.record",
  ],
  courier: ["movements.record", "consignments.dispatch", "consignments.receive", "audits.scan"],
  custodian: ["movements.record", "consignments.receive", "audits.scan"],
};

describe("can", () => {
  for (const [role, allowed] of Object.entries(EXPECTED)) {
    test(`${role} with write access: exactly ${allowed.length === CAPABILITIES.length ? "everything" : allowed.join(", ")}`, () => {
      const granted = CAPABILITIES.filter((capability) => can(holder(role as CapabilityHolder["role"]), capability));
      expect(granted).toEqual([...allowed]);
    });
  }

  test("read access changes nothing, whatever the role or mark", () => {
    for (const role of ["staff", "courier", "custodian"] as const) {
      for (const capability of CAPABILITIES) expect(can(holder(role, "read", true), capability)).toBe(false);
    }
  });

  test("nobody signed in can do nothing", () => {
    expect(can(null, "movements.record")).toBe(false);
    expect(can(undefined, "movements.record")).toBe(false);
  });

  test("approving: administrators always, staff only when marked, couriers and custodians never", () => {
    expect(can(holder("admin"), "consignments.approve")).toBe(true);
    expect(can(holder("staff"), "consignments.approve")).toBe(false);
    expect(can(holder("staff", "write", true), "consignments.approve")).toBe(true);
    expect(can(holder("courier", "write", true), "consignments.approve")).toBe(false);
    expect(can(holder("custodian", "write", true), "consignments.approve")).toBe(false);
  });

  test("the approver mark adds approving and nothing else", () => {
    const marked = CAPABILITIES.filter((capability) => can(holder("staff", "write", true), capability));
    expect(marked).toEqual(
      CAPABILITIES.filter(
        (capability) => EXPECTED.staff!.includes(capability) || capability === "consignments.approve",
      ),
    );
  });
});

describe("refusal", () => {
  test("none when allowed", () => {
    expect(refusal(holder("courier"), "movements.record")).toBeNull();
    expect(refusal(holder("staff", "write", true), "consignments.approve")).toBeNull();
  });

  test("names the role when even write access would not do", () => {
    expect(refusal(holder("courier"), "catalogue.delete")).toBe("As a courier you cannot delete cartridges");
    expect(refusal(holder("custodian", "read"), "jobs.edit")).toBe(
      "As a custodian you cannot create or edit backup jobs",
    );
    expect(refusal(holder("staff"), "users.manage")).toBe("As staff you cannot manage users and their access");
  });

  test("names the read-only access when the role alone would allow it", () => {
    expect(refusal(holder("staff", "read"), "catalogue.delete")).toBe(
      "You have read-only access to Backup Monitor, so you cannot delete cartridges",
    );
    expect(refusal(holder("courier", "read"), "movements.record")).toBe(
      "You have read-only access to Backup Monitor, so you cannot record locations and hand-offs",
    );
  });

  test("tells unmarked staff how they could approve", () => {
    expect(refusal(holder("staff"), "consignments.approve")).toBe(
      "As staff you cannot approve consignments unless an administrator marks you as an approver",
    );
    expect(refusal(holder("courier", "write", true), "consignments.approve")).toBe(
      "As a courier you cannot approve consignments",
    );
  });
});
