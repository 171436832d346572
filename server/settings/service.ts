import { randomBytes } from "node:crypto";
import type { z } from "zod";
import {
  DEFAULT_SETTINGS,
  SETTING_NAMES,
  SETTINGS,
  type Settings,
  type updateSettingsSchema,
} from "../../lib/settings";
import { recordAudit, type Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import { transaction } from "../db/transaction";
import { refreshRotationEntries } from "../rotation/entries";

/**
 * Reads an instance-wide value, creating it with `create()` on first use. Insert-if-absent then read, so
 * app servers starting together agree on one value.
 */
export async function getOrCreateSetting(db: Db, key: string, create: () => string): Promise<string> {
  await db.appSetting.createMany({ data: [{ key, value: create() }], skipDuplicates: true });
  const row = await db.appSetting.findUniqueOrThrow({ where: { key } });
  return row.value;
}

export const randomSecret = () => randomBytes(32).toString("base64url");

/** Every setting of lib/settings.ts, as stored or, when nobody has set it, its default. */
export async function readSettings(db: Db | Tx): Promise<Settings> {
  const rows = await db.appSetting.findMany({
    where: { key: { in: SETTING_NAMES.map((name) => SETTINGS[name].key) } },
  });
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  // Only updateSettings writes these keys, always a value its schema accepted, as JSON.
  return Object.fromEntries(
    SETTING_NAMES.map((name) => {
      const value = stored.get(SETTINGS[name].key);
      return [name, value === undefined ? DEFAULT_SETTINGS[name] : SETTINGS[name].schema.parse(JSON.parse(value))];
    }),
  ) as Settings;
}

/**
 * Changes the settings given, each with an audit entry saying from what to what; unchanged ones write nothing.
 * A new send delay or lead time then has every cartridge's rotation entry recomputed here, once, rather than
 * by the next person to open the overview.
 */
export async function updateSettings(db: Db, actor: Actor, input: z.output<typeof updateSettingsSchema>) {
  const settings = await writeSettings(db, actor, input);
  // The settings are saved whatever happens here; a read would compute what a failed refresh left.
  await refreshRotationEntries(db, { now: new Date(), settings }).catch((error: unknown) =>
    console.warn("Refreshing the rotation entries after new settings failed:", error),
  );
  return settings;
}

async function writeSettings(db: Db, actor: Actor, input: z.output<typeof updateSettingsSchema>) {
  return transaction(db, async (tx) => {
    // One writer at a time, so two administrators' changes are audited in the order they took effect.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('app_setting'))`;
    const before = await readSettings(tx);
    const changed = SETTING_NAMES.filter((name) => input[name] !== undefined && input[name] !== before[name]);
    for (const name of changed) {
      const { key } = SETTINGS[name];
      const value = JSON.stringify(input[name]);
      await tx.appSetting.upsert({ where: { key }, create: { key, value }, update: { value } });
    }
    recordAudit(
      tx,
      ...changed.map((name) => ({
        entityType: "setting" as const,
        entityId: SETTINGS[name].key,
        action: "update" as const,
        changes: { [name]: { from: before[name], to: input[name]! } },
        actor,
      })),
    );
    return readSettings(tx);
  });
}
