import { randomBytes } from "node:crypto";
import type { Db } from "./db";

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
