/**
 * The REST API backup software reports to: tokens with scopes (never a session), a job reported twice by
 * its own id is one job, cartridges named by barcode and refused by name when unknown, revocation, expiry,
 * the per-token rate limit, one error shape, and an OpenAPI document that validates and lists every route.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, test } from "vitest";
import { API_RATE_LIMIT } from "../../lib/integrations";
import { jobOrigin } from "../../lib/jobs";
import { getJob } from "../../server/jobs/service";
import { revokeApiToken } from "../../server/integrations/tokens";
import { API_ROUTES } from "../../server/api/routes";
import { createTape } from "../factories/backup";
import { signedInUser, useTestApp } from "../helpers/app";
import { apiRequest, apiToken } from "../helpers/rest-api";
import { changedTables, fingerprint } from "../helpers/db-snapshot";

const app = useTestApp();

const job = (barcodes: string[], overrides: Record<string, unknown> = {}) => ({
  name: "Nightly full: fileserver",
  jobDate: "2026-11-30T22:00:00Z",
  retentionDays: 35,
  totalFiles: 120_345,
  totalBytes: "7340032000000",
  verification: "passed",
  sourceSystem: "fileserver-01",
  barcodes,
  ...overrides,
});

describe("the OpenAPI document", () => {
  test("validates as OpenAPI 3 and describes every route with its scope", async () => {
    const { status, json } = await apiRequest(app.db, "GET", "/openapi.json");
    expect(status).toBe(200);
    await expect(SwaggerParser.validate(structuredClone(json) as never)).resolves.toBeTruthy();
    for (const route of API_ROUTES) {
      const operation = json.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation["x-required-scope"]).toBe(route.scope);
    }
    const body = json.paths["/jobs/{externalSystem}/{externalId}"].put.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(expect.arrayContaining(["name", "jobDate", "retentionDays"]));
    expect(body.properties.barcodes.type).toBe("array");
  });
});

describe("who may call", () => {
  test("without a token the answer is 401 in the API's error shape, even with a signed-in session cookie", async () => {
    const { headers } = await signedInUser(app, { role: "admin" });
    const {
      status,
      json,
      headers: answer,
    } = await apiRequest(app.db, "GET", "/tapes", {
      headers: { cookie: headers.get("cookie")! },
    });
    expect(status).toBe(401);
    expect(answer.get("www-authenticate")).toBe("Bearer");
    expect(json).toEqual({ error: { code: "unauthorized", message: expect.stringMatching(/Authorization: Bearer/) } });
  });

  test("a token that is not one of ours is refused", async () => {
    const { status, json } = await apiRequest(app.db, "GET", "/tapes", { token: "bm_notarealtoken" });
    expect(status).toBe(401);
    expect(json.error.message).toBe("The token is not one this server issued");
  });

  test("a token is refused what its scopes do not cover, naming the scope, and nothing is written", async () => {
    const { token } = await apiToken(app.db, "Read-only lookups", ["tapes:read"]);
    const before = await fingerprint(app.db);
    const { status, json } = await apiRequest(app.db, "PUT", "/jobs/bareos/1", { token, body: job([]) });
    expect(status).toBe(403);
    expect(json.error).toEqual({
      code: "forbidden",
      message: "This token may not do this: it needs the scope jobs:write",
    });
    // Only the token's own use is recorded.
    expect(changedTables(before, await fingerprint(app.db))).toEqual(["app_api_token"]);
  });

  test("a revoked token is refused from then on, and an expired one too, each saying so", async () => {
    const { token, id } = await apiToken(app.db, "Soon revoked", ["tapes:read"]);
    expect((await apiRequest(app.db, "GET", "/tapes", { token })).status).toBe(200);
    await revokeApiToken(app.db, { id: null, name: "Test administrator" }, id);
    const revoked = await apiRequest(app.db, "GET", "/tapes", { token });
    expect(revoked.status).toBe(401);
    expect(revoked.json.error.message).toMatch(/^The token was revoked on \d{4}-\d\d-\d\dT/);

    const { token: expiring, id: expiringId } = await apiToken(
      app.db,
      "Expiring",
      ["tapes:read"],
      new Date(Date.now() + 60_000),
    );
    await app.db.apiToken.update({ where: { id: expiringId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await apiRequest(app.db, "GET", "/tapes", { token: expiring });
    expect(expired.status).toBe(401);
    expect(expired.json.error.message).toMatch(/^The token expired on /);
  });

  test("each token has its own rate limit: past it, 429 with Retry-After, while another token still works", async () => {
    const { token } = await apiToken(app.db, "Busy script", ["tapes:read"]);
    const { token: other } = await apiToken(app.db, "Quiet script", ["tapes:read"]);
    for (let n = 0; n < API_RATE_LIMIT.max; n++) {
      expect((await apiRequest(app.db, "GET", "/tapes?limit=1", { token })).status).toBe(200);
    }
    const refused = await apiRequest(app.db, "GET", "/tapes?limit=1", { token });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.json.error.code).toBe("rate_limited");
    expect((await apiRequest(app.db, "GET", "/tapes?limit=1", { token: other })).status).toBe(200);
    // A new window starts once the minute has passed.
    await app.db.apiToken.updateMany({
      where: { name: "Busy script" },
      data: { windowStartedAt: new Date(Date.now() - API_RATE_LIMIT.windowMs - 1) },
    });
    expect((await apiRequest(app.db, "GET", "/tapes?limit=1", { token })).status).toBe(200);
  });
});

describe("reporting a job", () => {
  test("the same external id twice is one job; a change updates it; entries name the integration, never a person", async () => {
    const { token, id: tokenId } = await apiToken(app.db, "Bareos director", ["jobs:write"]);
    const [first, second] = [await createTape(app.db), await createTape(app.db)];
    const created = await apiRequest(app.db, "PUT", "/jobs/bareos/4711", {
      token,
      body: job([second.barcode.toLowerCase(), first.barcode]),
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      created: true,
      changed: true,
      registered: [],
      job: {
        name: "Nightly full: fileserver",
        externalSystem: "bareos",
        externalId: "4711",
        origin: "integration",
        totalBytes: "7340032000000",
        expiresAt: "2027-01-04T22:00:00.000Z",
        barcodes: [second.barcode, first.barcode],
      },
    });

    const again = await apiRequest(app.db, "PUT", "/jobs/bareos/4711", {
      token,
      body: job([second.barcode, first.barcode]),
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ created: false, changed: false, job: { id: created.json.job.id } });

    const changed = await apiRequest(app.db, "PUT", "/jobs/bareos/4711", {
      token,
      body: job([first.barcode], { verification: "failed" }),
    });
    expect(changed.json).toMatchObject({
      created: false,
      changed: true,
      job: { verification: "failed", barcodes: [first.barcode] },
    });

    const jobs = await app.db.backupJob.findMany({ where: { externalSystem: "bareos", externalId: "4711" } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ origin: "integration", apiTokenId: tokenId });
    // What the job's page says of where it came from.
    expect(jobOrigin(await getJob(app.db, jobs[0]!.id))).toBe(
      "Reported by the integration Bareos director (bareos job 4711)",
    );
    const entries = await app.db.backupAuditLog.findMany({
      where: { entityType: "job", entityId: jobs[0]!.id },
      orderBy: { id: "asc" },
    });
    expect(entries.map((entry) => [entry.action, entry.actorId, entry.actorName])).toEqual([
      ["create", null, "Integration: Bareos director"],
      ["update", null, "Integration: Bareos director"],
    ]);
  });

  test("unknown cartridges are refused by name and nothing is written, unless the token may register them", async () => {
    const { token } = await apiToken(app.db, "Veeam B&R", ["jobs:write"]);
    const known = await createTape(app.db);
    const before = await fingerprint(app.db);
    const refused = await apiRequest(app.db, "PUT", "/jobs/veeam/job-9", {
      token,
      body: job([known.barcode, "NEW001L9", "NEW002L9"]),
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({
      code: "unprocessable",
      message: "Cartridges NEW001L9, NEW002L9 are not registered, and this token may not register cartridges",
    });
    expect(changedTables(before, await fingerprint(app.db))).toEqual(["app_api_token"]);

    const { token: registering } = await apiToken(app.db, "Veeam with registration", ["jobs:write", "tapes:write"]);
    const accepted = await apiRequest(app.db, "PUT", "/jobs/veeam/job-9", {
      token: registering,
      body: job([known.barcode, "NEW001L9", "NEW002L9"]),
    });
    expect(accepted.status).toBe(201);
    expect(accepted.json.registered).toEqual(["NEW001L9", "NEW002L9"]);
    const registered = await app.db.backupTapeCartridge.findUniqueOrThrow({ where: { barcode: "NEW001L9" } });
    expect(registered).toMatchObject({ generation: 9, status: "in_use" });

    const notLto = await apiRequest(app.db, "PUT", "/jobs/veeam/job-10", {
      token: registering,
      body: job(["ACME-0001"]),
    });
    expect(notLto.status).toBe(422);
    expect(notLto.json.error.message).toMatch(/^ACME-0001 is not a registered cartridge nor a standard LTO label/);
  });

  test("two reports of one new job at once end as one job", async () => {
    const { token } = await apiToken(app.db, "Racing reporter", ["jobs:write"]);
    const tape = await createTape(app.db);
    const other = app.connect();
    const answers = await Promise.all([
      apiRequest(app.db, "PUT", "/jobs/bareos/race-1", { token, body: job([tape.barcode]) }),
      apiRequest(other, "PUT", "/jobs/bareos/race-1", { token, body: job([tape.barcode]) }),
    ]);
    expect(answers.map((answer) => answer.status).toSorted()).toEqual([200, 201]);
    expect(await app.db.backupJob.count({ where: { externalId: "race-1" } })).toBe(1);
  });

  test("bad input is a 400 naming each problem, in the one error shape, and writes nothing", async () => {
    const { token } = await apiToken(app.db, "Clumsy script", ["jobs:write", "tapes:write", "locations:write"]);
    const { token: reader } = await apiToken(app.db, "Reader", ["tapes:read"]);
    const before = await fingerprint(app.db);
    const invalid = await apiRequest(app.db, "PUT", "/jobs/bareos/5", {
      token,
      body: job(["123"], { jobDate: "yesterday", retentionDays: -1, totalBytes: 1.5 }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.code).toBe("invalid_input");
    expect(invalid.json.error.details.map((detail: { field: string }) => detail.field)).toEqual(
      expect.arrayContaining(["jobDate", "retentionDays", "totalBytes", "barcodes.0"]),
    );
    const cases: [string, string, Parameters<typeof apiRequest>[3], number, string][] = [
      ["PUT", "/jobs/bareos/5", { token, body: "{not json" }, 400, "invalid_json"],
      [
        "PUT",
        "/jobs/bareos/5",
        { token, body: "{}", headers: { "content-type": "text/plain" } },
        415,
        "unsupported_media_type",
      ],
      ["PUT", "/jobs/bare%20os/5", { token, body: job([]) }, 400, "invalid_input"],
      ["DELETE", "/jobs/bareos/5", { token }, 405, "method_not_allowed"],
      ["GET", "/nothing-here", { token }, 404, "not_found"],
      ["GET", "/tapes/NOPE01L9", { token: reader }, 404, "not_found"],
      ["POST", "/tapes/NOPE01L9/locations", { token, body: { kind: "off_site" } }, 404, "not_found"],
      ["POST", "/tapes", { token, body: { barcode: "not a label" } }, 400, "invalid_input"],
    ];
    for (const [method, path, options, status, code] of cases) {
      const answer = await apiRequest(app.db, method, path, options);
      expect([method, path, answer.status, answer.json.error?.code]).toEqual([method, path, status, code]);
      expect(typeof answer.json.error.message).toBe("string");
    }
    expect(changedTables(before, await fingerprint(app.db))).toEqual(["app_api_token"]);
  });
});

describe("cartridges and locations", () => {
  test("registers a cartridge, logs where it is and looks it up with its jobs; a second registration is 409", async () => {
    const { token } = await apiToken(app.db, "Vault robot", [
      "tapes:read",
      "tapes:write",
      "locations:write",
      "jobs:write",
    ]);
    const registered = await apiRequest(app.db, "POST", "/tapes", {
      token,
      body: { barcode: "rob001l8", tags: ["Weekly"] },
    });
    expect(registered.status).toBe(201);
    expect(registered.json).toMatchObject({
      barcode: "ROB001L8",
      generation: 8,
      tags: ["weekly"],
      currentLocation: null,
    });
    expect((await apiRequest(app.db, "POST", "/tapes", { token, body: { barcode: "ROB001L8" } })).status).toBe(409);

    const logged = await apiRequest(app.db, "POST", "/tapes/ROB001L8/locations", {
      token,
      body: { kind: "off_site", site: "Iron Vault", shelf: "B-2" },
    });
    expect(logged.status).toBe(201);
    expect(logged.json).toMatchObject({ kind: "off_site", site: "Iron Vault", shelf: "B-2", isCurrent: true });
    await apiRequest(app.db, "PUT", "/jobs/bareos/77", { token, body: job(["ROB001L8"]) });

    const found = await apiRequest(app.db, "GET", "/tapes/rob001l8", { token });
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({
      barcode: "ROB001L8",
      currentLocation: { kind: "off_site", site: "Iron Vault" },
      jobs: [{ name: "Nightly full: fileserver", externalSystem: "bareos", externalId: "77" }],
    });
    const page = await apiRequest(app.db, "GET", "/tapes?search=ROB0&limit=5", { token });
    expect(page.json.items.map((tape: { barcode: string }) => tape.barcode)).toEqual(["ROB001L8"]);
    const location = await app.db.backupAuditLog.findFirstOrThrow({
      where: { entityType: "location", entityId: logged.json.id },
    });
    expect(location.actorName).toBe("Integration: Vault robot");
  });
});
