/**
 * Importing a job log CSV: checked row by row before anything is written, imported all or nothing with one
 * import record, unknown cartridges registered only when asked, and a row with a job id updating the job
 * an earlier import made.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { jobOrigin } from "../../lib/jobs";
import { getJob } from "../../server/jobs/service";
import { createTape } from "../factories/backup";
import { clientError, signedInUser, useTestApp, type Caller } from "../helpers/app";
import { changedTables, fingerprint } from "../helpers/db-snapshot";

const app = useTestApp();
let staff: Caller;
let courier: Caller;
let known: string[];

beforeAll(async () => {
  staff = (await signedInUser(app, { role: "staff", name: "Sam Staff" })).caller;
  courier = (await signedInUser(app, { role: "courier" })).caller;
  known = [(await createTape(app.db)).barcode, (await createTape(app.db)).barcode];
});

const csv = (rows: string[]) => ["Job name;Date;Retention (days);Files;Bytes;Volumes;Job ID", ...rows].join("\r\n");

describe("checking a file", () => {
  test("each row gets its problems in words, from the file and from the catalogue, and nothing is written", async () => {
    const before = await fingerprint(app.db);
    const checked = await staff.jobs.checkImport({
      csv: csv([
        `Nightly fileserver;2026-11-30 22:00;35;120,345;7340032000000;${known[0]} ${known[1]};n-1`,
        `;yesterday;-1;;;${known[0]};n-2`,
        `Weekly mail;2026-11-29;90;;;UNK001L9;n-3`,
        `Monthly;2026-11-01;365;;;${known[0]};n-1`,
      ]),
      registerUnknown: false,
    });
    expect(changedTables(before, await fingerprint(app.db))).toEqual([]);
    expect(checked.problems).toEqual([]);
    expect(checked.rows.map((row) => [row.line, row.problems])).toEqual([
      [2, []],
      [
        3,
        [
          "Name: Enter the job's name",
          "Date: Give the job date as 2026-12-01 or 2026-12-01T22:00:00Z",
          "Retention (days): Retention cannot be negative",
        ],
      ],
      [4, ["Cartridge UNK001L9 is not registered"]],
      [5, ["Job id: n-1 is also on line 2"]],
    ]);
    expect(checked.rows[0]!.job).toMatchObject({
      name: "Nightly fileserver",
      totalFiles: 120_345n,
      barcodes: known,
      externalId: "n-1",
    });
  });

  test("a file without the columns it needs says which are missing", async () => {
    const checked = await staff.jobs.checkImport({ csv: "name,when\r\nNightly,2026-11-30\r\n" });
    expect(checked.problems).toEqual([
      "The file has no Date, Retention (days), Barcodes columns: its header line names name, when",
    ]);
  });
});

describe("importing", () => {
  test("refused whole while any row has a problem: nothing is written", async () => {
    const before = await fingerprint(app.db);
    const error = await clientError(
      staff.jobs.import({
        fileName: "week-48.csv",
        csv: csv([`Good;2026-11-30;35;;;${known[0]};g-1`, `Bad;2026-11-30;35;;;NOPE01L9;g-2`]),
      }),
    );
    expect(error).toMatchObject({
      data: { code: "BAD_REQUEST" },
      message: "Nothing was imported: 1 row has problems, the first on line 3: Cartridge NOPE01L9 is not registered",
    });
    expect(changedTables(before, await fingerprint(app.db))).toEqual([]);
  });

  test("imports every row in one go, registering unknown cartridges when asked; the same file again changes nothing", async () => {
    const file = csv([
      `Nightly fileserver;2026-11-30;35;10;2000;${known[0]};w-1`,
      `Weekly mail;2026-11-29;90;;;NEW101L9 ${known[1]};w-2`,
      `Ad hoc restore test;2026-11-28;7;;;${known[1]};`,
    ]);
    const result = await staff.jobs.import({ fileName: "week-48.csv", csv: file, registerUnknown: true });
    expect(result).toMatchObject({ created: 3, updated: 0, unchanged: 0, registered: ["NEW101L9"] });
    const record = await app.db.backupJobImport.findUniqueOrThrow({
      where: { id: result.importId },
      include: { jobs: { orderBy: { name: "asc" } } },
    });
    expect(record).toMatchObject({ fileName: "week-48.csv", rowCount: 3, createdByName: "Sam Staff" });
    expect(record.jobs.map((job) => [job.name, job.origin, job.externalId])).toEqual([
      ["Ad hoc restore test", "import", null],
      ["Nightly fileserver", "import", "w-1"],
      ["Weekly mail", "import", "w-2"],
    ]);
    expect(jobOrigin(await getJob(app.db, record.jobs[1]!.id))).toBe(
      "Imported from week-48.csv by Sam Staff (csv job w-1)",
    );

    // Rows with a job id are found again; the one without is a new job each time.
    const again = await staff.jobs.import({ fileName: "week-48 again.csv", csv: file });
    expect(again).toMatchObject({ created: 1, updated: 0, unchanged: 2, registered: [] });
    expect(await app.db.backupJob.count({ where: { externalId: "w-1" } })).toBe(1);
  });

  test("a courier may neither check nor import a file", async () => {
    const file = csv([`Nightly;2026-11-30;35;;;${known[0]};c-1`]);
    expect((await clientError(courier.jobs.import({ fileName: "x.csv", csv: file }))).data.code).toBe("FORBIDDEN");
    expect((await clientError(courier.jobs.checkImport({ csv: file }))).data.code).toBe("FORBIDDEN");
  });
});
