/**
 * The Bareos/Bacula hook (integrations/bareos/backup-monitor-report.sh), run for real with curl against the
 * REST API on a local HTTP server, a fake `bconsole` printing recorded Director output: the job arrives
 * with its volumes in the order written, a second run changes nothing, and a refusal fails the script
 * with the API's message.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { handleApiRequest } from "../../server/api/handler";
import { revokeApiToken } from "../../server/integrations/tokens";
import { createTape } from "../factories/backup";
import { useTestApp } from "../helpers/app";
import { apiToken } from "../helpers/rest-api";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const SCRIPT = path.join(ROOT, "integrations/bareos/backup-monitor-report.sh");
const FIXTURES = path.join(ROOT, "tests/fixtures/bareos");

const app = useTestApp();
let server: http.Server;
let url: string;
let dir: string;
let bconsole: string;

beforeAll(async () => {
  server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const answer = await handleApiRequest(
      new Request(`${url}${request.url}`, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: body.length > 0 ? body : undefined,
      }),
      { db: app.db },
    );
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // A bconsole that answers the two commands the hook sends with what a Director printed.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-bareos-"));
  bconsole = path.join(dir, "bconsole");
  fs.writeFileSync(
    bconsole,
    `#!/bin/sh
read -r command
case "$command" in
  "llist jobid=4711") cat "${FIXTURES}/llist-jobid-4711.txt" ;;
  "list jobmedia jobid=4711") cat "${FIXTURES}/list-jobmedia-4711.txt" ;;
  "llist jobid=93") cat "${FIXTURES}/bacula-llist-jobid-93.txt" ;;
  "list jobmedia jobid=93") cat "${FIXTURES}/bacula-list-jobmedia-93.txt" ;;
  *) echo "Enter a period to cancel a command." ;;
esac
`,
    { mode: 0o755 },
  );
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the hook as the Director would, with its settings in a conf file; resolves with its exit code and output. */
async function hook(jobid: string, settings: Record<string, string>, args: string[] = []) {
  const conf = path.join(dir, "backup-monitor.conf");
  fs.writeFileSync(
    conf,
    Object.entries(settings)
      .map(([key, value]) => `${key}='${value}'\n`)
      .join(""),
  );
  try {
    const { stdout, stderr } = await run(SCRIPT, [jobid, ...args], {
      env: { PATH: process.env.PATH, BM_CONF: conf, TZ: "Europe/Berlin", NODE_ENV: "test" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("the Bareos/Bacula hook", () => {
  test("--dry-run prints the job as JSON: the Director's local time in UTC, each volume once in order", async () => {
    const { code, stdout } = await hook("4711", { BM_BCONSOLE: bconsole, BM_RETENTION_DAYS_Full_Tape: "365" }, [
      "--dry-run",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      name: "fileserver-full Full",
      jobDate: "2026-11-30T21:00:04Z",
      retentionDays: 365,
      totalFiles: "120345",
      totalBytes: "7340032000000",
      sourceSystem: "fileserver-01-fd",
      notes: "Job fileserver-full.2026-11-30_22.00.00_12, level Full, pool Full-Tape, status T",
      barcodes: ["000412L9", "000388L9", "000415L9"],
    });
  });

  test("reports the job with curl; a second run changes nothing; Bacula's capitalised output reads the same", async () => {
    const { token } = await apiToken(app.db, "Bareos director", ["jobs:write", "tapes:write"]);
    await createTape(app.db, { barcode: "000388L9" });
    const settings = { BM_URL: url, BM_TOKEN: token, BM_BCONSOLE: bconsole, BM_RETENTION_DAYS: "35" };

    const first = await hook("4711", settings);
    expect(first).toMatchObject({ code: 0, stdout: "backup-monitor: job 4711 reported (201)\n" });
    const job = await app.db.backupJob.findUniqueOrThrow({
      where: { externalSystem_externalId: { externalSystem: "bareos", externalId: "4711" } },
      include: { tapes: { orderBy: { position: "asc" }, include: { tape: true } } },
    });
    expect(job).toMatchObject({ name: "fileserver-full Full", retentionDays: 35, totalBytes: 7_340_032_000_000n });
    expect(job.tapes.map((link) => link.tape.barcode)).toEqual(["000412L9", "000388L9", "000415L9"]);

    expect(await hook("4711", settings)).toMatchObject({
      code: 0,
      stdout: "backup-monitor: job 4711 reported (200)\n",
    });
    expect(await app.db.backupJob.count({ where: { externalId: "4711" } })).toBe(1);

    expect((await hook("93", { ...settings, BM_SYSTEM: "bacula-mail" })).code).toBe(0);
    const bacula = await app.db.backupJob.findFirstOrThrow({
      where: { externalSystem: "bacula-mail", externalId: "93" },
    });
    expect(bacula).toMatchObject({ name: "Weekly-Mail Incremental", sourceSystem: "mail-fd", totalFiles: 8412n });
  });

  test("a refusal fails the hook with the API's message; an unknown job fails before sending anything", async () => {
    const { token, id } = await apiToken(app.db, "Soon revoked director", ["jobs:write"]);
    await revokeApiToken(app.db, { id: null, name: "Test administrator" }, id);
    const refused = await hook("4711", { BM_URL: url, BM_TOKEN: token, BM_BCONSOLE: bconsole });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^backup-monitor: job 4711 was not reported: HTTP 401 The token was revoked on /);

    const unknown = await hook("5", { BM_URL: url, BM_TOKEN: token, BM_BCONSOLE: bconsole });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("backup-monitor: bconsole knows no job 5 (llist jobid=5 printed no name)\n");
  });
});
