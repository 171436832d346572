import { z } from "zod";

/**
 * A whole number of days, typed in a form (text) or sent by a program (a number): one rule and one message
 * for both, so an empty box is "Enter …", not a silent 0.
 */
function wholeDays(name: string, min: number, max: number) {
  const enter = `Enter the ${name} in days`;
  const range = `The ${name} must be between ${min.toLocaleString("en")} and ${max.toLocaleString("en")} days`;
  return z.union([z.number(), z.string().trim()], { message: enter }).transform((value, ctx) => {
    if (value === "") {
      ctx.addIssue({ code: "custom", message: enter });
      return z.NEVER;
    }
    const days = Number(value);
    if (!Number.isInteger(days)) {
      ctx.addIssue({ code: "custom", message: `The ${name} must be a whole number of days` });
      return z.NEVER;
    }
    if (days < min || days > max) {
      ctx.addIssue({ code: "custom", message: range });
      return z.NEVER;
    }
    return days;
  });
}

/**
 * The instance's settings: each is one entry here, with its stored key, how it is shown and checked, and
 * its value when nobody has set it. A later threshold (inventory due after so many months, approval
 * needed for off-site moves) is one more entry; the service, the audit and the settings page follow.
 */
export const SETTINGS = {
  sendDelayDays: {
    key: "rotation.send_delay_days",
    label: "Send delay",
    unit: "days",
    help: "How long a cartridge with new backup data may stay on site before it must go off site. 0 sends it the day the job ran.",
    schema: wholeDays("send delay", 0, 365),
    default: 1,
  },
  leadTimeDays: {
    key: "rotation.lead_time_days",
    label: "Bring-back lead time",
    unit: "days",
    help: "How long before its data expires an off-site cartridge is brought back, so it is on site when it can be reused.",
    schema: wholeDays("lead time", 0, 3650),
    default: 14,
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
