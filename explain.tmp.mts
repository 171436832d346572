import { Prisma } from "./generated/prisma/client";
import { createDb } from "./server/db";
import { parseDatabaseUrl } from "./server/db/location";
import { currentRotation } from "./server/rotation/entries";
import { rotationParams, freshRotationParams } from "./server/rotation/service";

const db = createDb(parseDatabaseUrl(process.env.DATABASE_URL));
const params = await freshRotationParams(db, await rotationParams(db));
const sql = Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) SELECT listed.* FROM (
        SELECT r.tape_id AS id, r.next_move, r.overdue, r.data_expires_at, r.recall_needed_by,
          count(*) OVER () AS total, count(*) FILTER (WHERE r.overdue) OVER () AS overdue_total
        FROM ${currentRotation(params, { kind: "on_site" })} r
        WHERE r.list = 'send'
      ) listed ORDER BY listed.next_move, listed.id LIMIT 6`;
for (let i = 0; i < 3; i++) await db.$queryRaw(sql);
const rows = await db.$queryRaw<{ "QUERY PLAN": string }[]>(sql);
console.log(rows.map((r) => r["QUERY PLAN"]).join("\n"));
process.exit(0);
