/**
 * The catalogue at its intended size, written with set-based SQL (INSERT … SELECT over generate_series):
 * the database builds a million rows in seconds where row-by-row inserts through a client would take hours.
 * Values are derived from the row number, so every run builds the same catalogue (ids aside).
 */

export type CatalogueSize = { tapes: number; jobs: number; locationsPerTape: number; custodyPerTape: number };

export function catalogueSize(scale: number): CatalogueSize {
  return {
    tapes: Math.round(100_000 * scale),
    jobs: Math.round(200_000 * scale),
    locationsPerTape: 5,
    custodyPerTape: 5,
  };
}

export type SeedStep = { name: string; rows: number; sql: string };

// Stored timestamps are UTC wall-clock values (TIMESTAMP(3) without a zone), as Prisma writes them.
const NOW = "(now() AT TIME ZONE 'UTC')";

const msHex = (at: string) => `lpad(to_hex((extract(epoch FROM ${at}) * 1000)::bigint), 12, '0')`;
/** A UUID v7 for the moment `at`, like the app's ids (Prisma's uuid(7)): time-ordered, so indexes grow at the end. */
const uuid7 = (at: string) =>
  `substr(${msHex(at)}, 1, 8) || '-' || substr(${msHex(at)}, 9, 4) || '-7' || substr(gen_random_uuid()::text, 16)`;

/** A SQL array literal holding each value `weight` times, to pick from by row number. */
function weighted(choices: [string, number][]): string {
  return `ARRAY[${choices.flatMap(([value, weight]) => Array<string>(weight).fill(`'${value}'`)).join(", ")}]`;
}

const TAPE_STATUS = weighted([
  ["empty", 3],
  ["in_use", 9],
  ["full", 6],
  ["pending_destruction", 1],
  ["destroyed", 1],
]);
const VERIFICATION = weighted([
  ["passed", 14],
  ["failed", 1],
  ["partial", 2],
  ["not_verified", 3],
]);
const CURRENT_KIND = weighted([
  ["off_site", 6],
  ["on_site", 3],
  ["in_transit", 1],
]);
const PEOPLE =
  "ARRAY['Ana Archivist', 'Ben Backup', 'Carla Custodian', 'Dev Operator', 'Eli Night Shift', 'Fay Storage']";
const JOB_KINDS = "ARRAY['Nightly incremental', 'Weekly full', 'Monthly archive', 'Database dump', 'Mail archive']";

/** Media mix of a site moving from LTO-6 to LTO-10, by row number modulo 100: [from, to) → label media. */
const MEDIA = `(VALUES
  (0, 1, 'CU', NULL::int, 'cleaning', NULL::bigint),
  (1, 3, 'LZ', 9, 'worm', 18000000000000),
  (3, 13, 'L6', 6, 'data', 2500000000000),
  (13, 38, 'L7', 7, 'data', 6000000000000),
  (38, 40, 'M8', 7, 'data', 9000000000000),
  (40, 68, 'L8', 8, 'data', 12000000000000),
  (68, 93, 'L9', 9, 'data', 18000000000000),
  (93, 100, 'LA', 10, 'data', 30000000000000)
) AS m(lo, hi, media_id, generation, media_type, capacity)`;

/** Job n spans 1 + n % 3 cartridges. */
function linkCount(jobs: number): number {
  let links = 0;
  for (let n = 1; n <= jobs; n++) links += 1 + (n % 3);
  return links;
}

export function seedSteps({ tapes, jobs, locationsPerTape, custodyPerTape }: CatalogueSize): SeedStep[] {
  // Jobs use recent cartridges: the ones registered shortly before the job, within a window of this many.
  const window = Math.min(2000, tapes);
  return [
    {
      name: "tape cartridges",
      rows: tapes,
      sql: `
        CREATE TEMP TABLE bench_tape AS
          SELECT n, ${uuid7("at")} AS id, at
          FROM (SELECT n, ${NOW} - interval '5 years' * ((${tapes} - n)::float8 / ${tapes}) AS at
                FROM generate_series(1, ${tapes}) AS n) AS s;
        ALTER TABLE bench_tape ADD PRIMARY KEY (n);
        INSERT INTO backup_tape_cartridge
          (id, barcode, media_id, generation, media_type, native_capacity_bytes, status, tags, notes, created_at, updated_at)
        SELECT t.id, lpad(t.n::text, 6, '0') || m.media_id, m.media_id, m.generation, m.media_type::"MediaType", m.capacity,
          (CASE WHEN m.media_type = 'cleaning' THEN 'in_use' ELSE (${TAPE_STATUS})[1 + (t.n * 37) % 20] END)::"TapeStatus",
          CASE (t.n * 13) % 10 WHEN 0 THEN ARRAY['offsite'] WHEN 1 THEN ARRAY['offsite'] WHEN 2 THEN ARRAY['offsite', 'monthly']
            WHEN 3 THEN ARRAY['weekly'] ELSE ARRAY[]::text[] END,
          CASE WHEN t.n % 25 = 0 THEN 'Label reprinted' END,
          t.at, least(${NOW}, t.at + interval '1 day' * (t.n % 400))
        FROM bench_tape t JOIN ${MEDIA} ON t.n % 100 >= m.lo AND t.n % 100 < m.hi;`,
    },
    {
      name: "backup jobs",
      rows: jobs,
      sql: `
        CREATE TEMP TABLE bench_job AS
          SELECT n, ${uuid7("day")} AS id, day
          FROM (SELECT n, date_trunc('day', ${NOW} - interval '5 years' * ((${jobs} - n)::float8 / ${jobs})) AS day
                FROM generate_series(1, ${jobs}) AS n) AS s;
        ALTER TABLE bench_job ADD PRIMARY KEY (n);
        INSERT INTO backup_job
          (id, name, job_date, retention_days, expires_at, total_files, total_bytes, verification, source_system, technician, created_at, updated_at)
        SELECT j.id, (${JOB_KINDS})[1 + j.n % 5] || ' ' || x.system, j.day, x.retention, j.day + interval '1 day' * x.retention,
          (j.n::bigint * 7919) % 5000000, ((j.n::bigint * 104729) % 20000) * 1000000000,
          ((${VERIFICATION})[1 + (j.n * 11) % 20])::"VerificationResult", x.system, (${PEOPLE})[1 + j.n % 6],
          least(${NOW}, j.day + interval '6 hours'), least(${NOW}, j.day + interval '6 hours')
        FROM bench_job j,
          LATERAL (SELECT 'srv-' || lpad(((j.n * 17) % 60)::text, 2, '0') AS system,
                          (ARRAY[7, 30, 90, 365, 2555])[1 + (j.n * 7) % 5] AS retention) AS x;`,
    },
    {
      name: "job cartridges (1–3 per job)",
      rows: linkCount(jobs),
      sql: `
        INSERT INTO backup_job_tape (job_id, tape_id, position)
        SELECT j.id, t.id, p
        FROM bench_job j
        CROSS JOIN LATERAL generate_series(1, 1 + j.n % 3) AS p
        JOIN bench_tape t
          ON t.n = ((j.n::bigint * ${tapes} / ${jobs} - 1 - ((j.n::bigint * 7919 + p * 104729) % ${window})) % ${tapes} + ${tapes}) % ${tapes} + 1;`,
    },
    {
      name: `locations (${locationsPerTape} per cartridge, the latest current)`,
      rows: tapes * locationsPerTape,
      sql: `
        INSERT INTO backup_tape_location
          (id, tape_id, kind, site, shelf, slot, custodian, service_provider, occurred_at, recorded_at, recorded_by_name,
           is_current, event_id, device_id)
        SELECT ${uuid7("h.moment")}, t.id, h.kind::"LocationKind",
          CASE h.kind WHEN 'on_site' THEN 'Server room ' || (1 + t.n % 3) WHEN 'off_site' THEN 'Iron Vault ' || (1 + t.n % 4) END,
          CASE WHEN h.kind <> 'in_transit' THEN 'S' || (1 + t.n % 40) END,
          CASE WHEN h.kind <> 'in_transit' THEN (1 + (t.n * 7 + k) % 100)::text END,
          CASE WHEN h.kind = 'in_transit' THEN 'Courier ' || (1 + t.n % 6) END,
          CASE WHEN h.kind <> 'on_site' THEN 'Iron Vault Logistics' END,
          h.moment, least(${NOW}, h.moment + interval '3 minutes'), (${PEOPLE})[1 + (t.n + k) % 6],
          k = ${locationsPerTape},
          CASE WHEN k % 2 = 0 THEN gen_random_uuid()::text END,
          CASE WHEN k % 2 = 0 THEN 'phone-' || (1 + t.n % 20) END
        FROM bench_tape t
        CROSS JOIN LATERAL generate_series(1, ${locationsPerTape}) AS k
        CROSS JOIN LATERAL (
          SELECT t.at + (${NOW} - t.at) * (k::float8 / ${locationsPerTape + 1}) AS moment,
                 CASE WHEN k = ${locationsPerTape} THEN (${CURRENT_KIND})[1 + t.n % 10]
                      ELSE (ARRAY['on_site', 'in_transit', 'off_site'])[1 + k % 3] END AS kind
        ) AS h;`,
    },
    {
      name: `custody hand-offs (${custodyPerTape} per cartridge)`,
      rows: tapes * custodyPerTape,
      sql: `
        INSERT INTO backup_tape_custody
          (id, tape_id, from_party, to_party, occurred_at, signer_name, signature, container_id, seal_number,
           recorded_at, recorded_by_name, event_id, device_id)
        SELECT ${uuid7("h.moment")}, t.id, p.from_party, p.to_party, h.moment, (${PEOPLE})[1 + (t.n + k + 3) % 6],
          -- A drawn signature on one hand-off in five: PNG data URLs of a few kilobytes, stored out of line.
          CASE WHEN (t.n + k) % 5 = 0 THEN 'data:image/png;base64,' || repeat(md5(t.n::text || k), 150) END,
          CASE WHEN k % 2 = 1 THEN 'BOX-' || lpad((t.n / 20)::text, 5, '0') END,
          CASE WHEN k % 2 = 1 THEN 'SEAL-' || lpad(((t.n * 31 + k) % 1000000)::text, 6, '0') END,
          least(${NOW}, h.moment + interval '3 minutes'), (${PEOPLE})[1 + (t.n + k) % 6],
          CASE WHEN k % 2 = 0 THEN gen_random_uuid()::text END,
          CASE WHEN k % 2 = 0 THEN 'phone-' || (1 + t.n % 20) END
        FROM bench_tape t
        CROSS JOIN LATERAL generate_series(1, ${custodyPerTape}) AS k
        CROSS JOIN LATERAL (SELECT t.at + (${NOW} - t.at) * ((k - 0.5)::float8 / ${custodyPerTape + 1}) AS moment) AS h
        JOIN (VALUES (0, 'Operations', 'Courier'), (1, 'Courier', 'Iron Vault'), (2, 'Iron Vault', 'Courier'), (3, 'Courier', 'Operations'))
          AS p(i, from_party, to_party) ON p.i = k % 4;`,
    },
  ];
}
