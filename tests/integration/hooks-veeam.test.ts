/**
 * The Veeam hook (integrations/veeam/Send-BackupMonitorJob.ps1) cannot run here (no PowerShell, no Veeam):
 * what is checked is the JSON it sends. The keys of its payload are the API's job fields, the required
 * ones all there, and the example payload in its folder, shaped the same way, is accepted by the API.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { createTape } from "../factories/backup";
import { useTestApp } from "../helpers/app";
import { apiRequest, apiToken } from "../helpers/rest-api";

const FOLDER = path.resolve(__dirname, "../../integrations/veeam");
const app = useTestApp();

/** The keys of the ordered hashtable New-BackupMonitorJobPayload returns. */
function payloadKeys(): string[] {
  const script = fs.readFileSync(path.join(FOLDER, "Send-BackupMonitorJob.ps1"), "utf8");
  const body = script.match(/function New-BackupMonitorJobPayload \{[\s\S]*?\[ordered\]@\{([\s\S]*?)\n {2}\}/)?.[1];
  if (!body) throw new Error("New-BackupMonitorJobPayload's [ordered]@{ … } was not found");
  return [...body.matchAll(/^\s*(\w+)\s*=/gm)].map((match) => match[1]!);
}

test("the script sends the API's job fields, every required one among them", async () => {
  const { json } = await apiRequest(app.db, "GET", "/openapi.json");
  const schema = json.paths["/jobs/{externalSystem}/{externalId}"].put.requestBody.content["application/json"].schema;
  const keys = payloadKeys();
  expect(keys.filter((key) => !(key in schema.properties))).toEqual([]);
  expect(schema.required.filter((key: string) => !keys.includes(key))).toEqual([]);
  expect(keys).toContain("barcodes");
});

test("the example payload, with the same keys, is accepted and makes the job with its tapes", async () => {
  const example = JSON.parse(fs.readFileSync(path.join(FOLDER, "example-payload.json"), "utf8"));
  expect(Object.keys(example).toSorted()).toEqual(payloadKeys().toSorted());
  const { token } = await apiToken(app.db, "Veeam B&R", ["jobs:write"]);
  for (const barcode of example.barcodes) await createTape(app.db, { barcode });
  const answer = await apiRequest(app.db, "PUT", "/jobs/veeam/8d1c-4711", { token, body: example });
  expect(answer.status).toBe(201);
  expect(answer.json.job).toMatchObject({
    name: "Weekly to tape",
    barcodes: ["VM0101L8", "VM0102L8"],
    verification: "passed",
  });
});
