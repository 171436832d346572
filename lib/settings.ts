import { z } from "zod";

/**
 * A whole number of days, hours or months, typed in a form (text) or sent by a program (a number): one rule
 * and one message for both, so an empty box is "Enter …", not a silent 0.
 */
function wholeNumberOf(unit: "days" | "hours" | "months", name: string, min: number, max: number) {
  const enter = `Enter the ${name} in ${unit}`;
  const range = `The ${name} must be between ${min.toLocaleString("en")} and ${max.toLocaleString("en")} ${unit}`;
  return z.union([z.number(), z.string().trim()], { message: enter }).transform((value, ctx) => {
    const count = value === "" ? NaN : Number(value);
    if (value === "") ctx.addIssue({ code: "custom", message: enter });
    else if (!Number.isInteger(count))
      ctx.addIssue({ code: "custom", message: `The ${name} must be a whole number of ${unit}` });
    else if (count < min || count > max) ctx.addIssue({ code: "custom", message: range });
    else return count;
    return z.NEVER;
  });
}

/** On or off: a checkbox's true or false, or the words a program may send. */
const onOff = z
  .union([z.boolean(), z.enum(["true", "false"])], { message: "Choose on or off" })
  .transform((value) => value === true || value === "true");

/**
 * The instance's settings: each is one entry here, with its stored key, how it is shown and checked, and
 * its value when nobody has set it. A later threshold (inventory due after so many months, approval
 * needed for off-site moves) is one more entry; the service, the audit and the settings page follow.
 */
export const SETTINGS = {
  sendDelayDays: {
    group: "Rotation",
    key: "rotation.send_delay_days",
    label: "Send delay",
    unit: "days",
    help: "How long a cartridge with new backup data may stay on site before it must go off site. 0 sends it the day the job ran.",
    schema: wholeNumberOf("days", "send delay", 0, 365),
    default: 1,
  },
  leadTimeDays: {
    group: "Rotation",
    key: "rotation.lead_time_days",
    label: "Bring-back lead time",
    unit: "days",
    help: "How long before its data expires an off-site cartridge is brought back, so it is on site when it can be reused.",
    schema: wholeNumberOf("days", "lead time", 0, 3650),
    default: 14,
  },
  approvalForOffSite: {
    group: "Consignments",
    key: "consignments.approval_for_off_site",
    label: "Approval for moves off site",
    unit: "on or off",
    help: "When on, a consignment to an off-site site must be approved by an approver (not the person who created it) before it is dispatched.",
    schema: onOff,
    default: true,
  },
  transitOverdueHours: {
    group: "Consignments",
    key: "consignments.transit_overdue_hours",
    label: "Overdue in transit after",
    unit: "hours",
    help: "A consignment still in transit this long after its dispatch is shown as overdue.",
    schema: wholeNumberOf("hours", "time in transit", 1, 24 * 90),
    default: 24,
  },
  inventoryDueMonths: {
    group: "Inventory",
    key: "inventory.due_months",
    label: "Inventory due after",
    unit: "months",
    help: "A site whose last complete inventory audit is older than this is shown as inventory due (PCI DSS asks for one at least every 12 months).",
    schema: wholeNumberOf("months", "inventory interval", 1, 60),
    default: 12,
  },
} as const;

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];
export type Settings = { [Name in SettingName]: z.output<(typeof SETTINGS)[Name]["schema"]> };

export const DEFAULT_SETTINGS = Object.fromEntries(
  SETTING_NAMES.map((name) => [name, SETTINGS[name].default]),
) as Settings;

/** A change to some settings; those left out keep their value. */
export const updateSettingsSchema = z.object(
  Object.fromEntries(SETTING_NAMES.map((name) => [name, SETTINGS[name].schema.optional()])) as {
    [Name in SettingName]: z.ZodOptional<(typeof SETTINGS)[Name]["schema"]>;
  },
);
export type UpdateSettingsInput = z.input<typeof updateSettingsSchema>;
