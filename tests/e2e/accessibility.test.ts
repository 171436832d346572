import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeLabelVideo } from "./fake-camera";
import {
  callTrpc,
  externalAddress,
  fakeCameraArgs,
  launchBrowser,
  setUpFirstAdmin,
  signIn,
  startApp,
  toastText,
  type RunningApp,
} from "./harness";

const ADMIN = { name: "Ada Access", email: "ada@example.com", password: "correct-horse-42" };
const COURIER = { name: "Cy Courier", email: "cy@example.com", password: "another-horse-42" };
/** The label the camera films; registered, so the scan screen's catalogue knows it. */
const CAMERA_LABEL = "AXE001L9";
const OTHER_LABEL = "AXE002L8";
const KEYBOARD_LABEL = "AXE003L7";
/** Destroyed, so the destruction pages have one to show. */
const SCRAP_LABEL = "AXE004L6";
const APP_DIR = path.resolve(__dirname, "../../app");

/** The address of every page the app has, from its `page.tsx` files; dynamic segments stay as `[id]`. */
function pageRoutes(dir = APP_DIR, segments: string[] = []): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory()) return entry.name === "page.tsx" ? [`/${segments.join("/")}`] : [];
    // Private folders hold no routes; route groups do not appear in the address.
    if (entry.name.startsWith("_")) return [];
    const segment = /^\(.+\)$/.test(entry.name) ? [] : [entry.name];
    return pageRoutes(path.join(dir, entry.name), [...segments, ...segment]);
  });
}

type Seeded = {
  tape: string;
  other: string;
  job: string;
  site: string;
  consignment: string;
  draft: string;
  audit: string;
  destruction: string;
};
type Visit = {
  url: (ids: Seeded) => string;
  /** What shows that the page has its content, beyond no "Loading…" left. */
  ready?: (page: Page) => Promise<unknown>;
};

/** Seen signed in as an administrator, each dynamic segment given a seeded record. */
const SIGNED_IN: Record<string, Visit> = {
  "/": { url: () => "/" },
  "/backup": {
    url: () => "/backup",
    ready: (page) => page.getByText(CAMERA_LABEL, { exact: true }).filter({ visible: true }).first().waitFor(),
  },
  "/backup/tapes/new": { url: () => "/backup/tapes/new" },
  "/backup/tapes/[id]": { url: ({ tape }) => `/backup/tapes/${tape}` },
  "/backup/tapes/[id]/edit": { url: ({ tape }) => `/backup/tapes/${tape}/edit` },
  "/backup/jobs/new": { url: () => "/backup/jobs/new" },
  "/backup/jobs/[id]": { url: ({ job }) => `/backup/jobs/${job}` },
  "/backup/jobs/[id]/edit": { url: ({ job }) => `/backup/jobs/${job}/edit` },
  "/backup/scan": {
    url: () => "/backup/scan",
    ready: (page) => expect.poll(() => page.getByTestId("batch-item").count()).toBe(1),
  },
  "/backup/outbox": { url: () => "/backup/outbox" },
  "/backup/consignments/[id]/dispatch": {
    url: ({ consignment }) => `/backup/consignments/${consignment}/dispatch`,
    ready: (page) => page.getByTestId("case-counts").waitFor(),
  },
  "/backup/consignments/[id]/receive": {
    url: ({ consignment }) => `/backup/consignments/${consignment}/receive`,
    ready: (page) => page.getByTestId("case-counts").waitFor(),
  },
  "/manage/access": { url: () => "/manage/access", ready: (page) => page.getByText(COURIER.email).waitFor() },
  "/manage/audit": { url: () => "/manage/audit" },
  "/manage/backup": { url: () => "/manage/backup" },
  "/manage/settings": { url: () => "/manage/settings" },
  "/manage/sites": { url: () => "/manage/sites" },
  "/manage/sites/[id]": { url: ({ site }) => `/manage/sites/${site}` },
  "/manage/sites/[id]/label": { url: ({ site }) => `/manage/sites/${site}/label` },
  "/backup/rotation/[list]": { url: () => "/backup/rotation/bring-back" },
  "/backup/consignments": { url: () => "/backup/consignments" },
  "/backup/consignments/new": { url: () => "/backup/consignments/new" },
  "/backup/consignments/[id]": { url: ({ consignment }) => `/backup/consignments/${consignment}` },
  "/backup/consignments/[id]/edit": { url: ({ draft }) => `/backup/consignments/${draft}/edit` },
  "/backup/audits": { url: () => "/backup/audits" },
  "/backup/audits/new": { url: () => "/backup/audits/new" },
  "/backup/audits/[id]": {
    url: ({ audit }) => `/backup/audits/${audit}`,
    ready: (page) => page.getByTestId("audit-actions").waitFor(),
  },
  "/backup/audits/[id]/scan": {
    url: ({ audit }) => `/backup/audits/${audit}/scan`,
    ready: (page) => page.getByTestId("count-present").first().waitFor(),
  },
  "/backup/destructions": { url: () => "/backup/destructions" },
  "/backup/destructions/new": {
    // A cartridge holding unexpired data, off site: the page shows why, and the override an administrator may give.
    url: () => `/backup/destructions/new?barcodes=${CAMERA_LABEL}`,
    ready: (page) => page.getByTestId("destroy-tapes").waitFor(),
  },
  "/backup/destructions/[id]": {
    url: ({ destruction }) => `/backup/destructions/${destruction}`,
    ready: (page) => page.getByTestId("destroyed-tapes").waitFor(),
  },
  "/manage/notifications": { url: () => "/manage/notifications" },
  "/backup/jobs/import": { url: () => "/backup/jobs/import" },
  "/manage/integrations": { url: () => "/manage/integrations" },
  "/manage/integrations/api": { url: () => "/manage/integrations/api" },
  "/account": { url: () => "/account" },
  "/offline": { url: () => "/offline" },
};
/** Seen signed out; the setup page only before the first administrator exists. */
const SIGNED_OUT = ["/setup", "/sign-in", "/offline"];

const SIZES = [
  { name: "desktop", options: { viewport: { width: 1280, height: 800 } } },
  { name: "phone", options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
] as const;
type Size = (typeof SIZES)[number]["name"];

let app: RunningApp;
let browser: Browser;
let base: string;
let workDir: string;
let ids: Seeded;
const contexts = {} as Record<Size, BrowserContext>;
const pages = {} as Record<Size, Page>;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-a11y-"));
  const video = writeLabelVideo(CAMERA_LABEL, path.join(workDir, "label.y4m"));
  [app, browser] = await Promise.all([startApp(), launchBrowser(fakeCameraArgs(video.file))]);
  base = app.url("localhost");
  for (const size of SIZES) {
    contexts[size.name] = await browser.newContext(size.options);
    // A server just started answers its first pages slowly on a busy machine.
    contexts[size.name].setDefaultNavigationTimeout(90_000);
    contexts[size.name].setDefaultTimeout(60_000);
    await contexts[size.name].grantPermissions(["camera"], { origin: base });
    pages[size.name] = await contexts[size.name].newPage();
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** Waits until the page has loaded what it shows: no request in flight, no "Loading…" left. */
async function settle(page: Page) {
  await page.waitForLoadState("networkidle");
  await expect
    .poll(() =>
      page
        .getByText(/^Loading\b/)
        .filter({ visible: true })
        .count(),
    )
    .toBe(0);
}

/**
 * Runs axe on what the page shows now and returns its serious and critical findings, each with the rule, its
 * impact and the elements it names, so a failure says what to fix and where.
 */
async function seriousViolations(page: Page, where: string): Promise<string[]> {
  // One run in the page itself: the default opens a second page for every check.
  const { violations, passes } = await new AxeBuilder({ page }).setLegacyMode().analyze();
  expect(passes.length, `axe checked nothing on ${where}`).toBeGreaterThan(0);
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) =>
      [
        `${where}: ${violation.id} (${violation.impact}) ${violation.help}`,
        ...violation.nodes.map((node) => `    ${node.target.join(" ")}  ${node.html.slice(0, 160)}`),
      ].join("\n"),
    );
}

/** Fails with every finding at once, so one run lists all there is to fix. */
function expectNone(findings: string[]) {
  expect(findings.join("\n\n")).toBe("");
}

describe("accessibility", () => {
  test("every page of the app has a visit here", () => {
    const routes = pageRoutes();
    expect(routes.length).toBeGreaterThan(10);
    const unvisited = routes.filter((route) => !(route in SIGNED_IN) && !SIGNED_OUT.includes(route));
    expect(unvisited, "pages with no visit in SIGNED_IN or SIGNED_OUT").toEqual([]);
  });

  test("signed out: setup, sign-in and offline pages at both sizes, then signs in", { timeout: 300_000 }, async () => {
    const findings: string[] = [];
    for (const { name } of SIZES) {
      const page = pages[name];
      // From another machine the setup page also asks for the setup code.
      const host = name === "phone" ? (externalAddress() ?? "localhost") : "localhost";
      await page.goto(`${app.url(host)}/setup`);
      await settle(page);
      findings.push(...(await seriousViolations(page, `${name} /setup (from ${host})`)));
    }

    const desktop = pages.desktop;
    await setUpFirstAdmin(desktop, base, ADMIN);
    const call = <T>(procedure: string, input: unknown) =>
      callTrpc<T>(contexts.desktop, base, procedure, input, "mutation");
    const tape = await call<{ id: string }>("tapes.register", { barcode: CAMERA_LABEL });
    const other = await call<{ id: string }>("tapes.register", { barcode: OTHER_LABEL });
    const job = await call<{ id: string }>("jobs.create", {
      name: "Nightly full – file servers",
      jobDate: "2026-11-30T00:00:00.000Z",
      retentionDays: 90,
      tapeIds: [tape.id, other.id],
      sourceSystem: "fs01",
    });
    await call("locations.log", { tapeId: tape.id, kind: "off_site", site: "Iron Vault", shelf: "B2" });
    await call("custody.record", {
      tapeId: tape.id,
      fromParty: "Data centre",
      toParty: "Iron Vault courier",
      signerName: "Vic Vault",
    });
    await call("access.createUser", { ...COURIER, role: "courier" });
    const site = await call<{ id: string }>("sites.create", { name: "Granite Vault", kind: "off_site" });
    // A case from the vault back to an on-site room, approved as it is submitted (no approval for on-site),
    // and a draft to edit.
    const room = await call<{ id: string }>("sites.create", { name: "Tape room", kind: "on_site" });
    await call("locations.log", { tapeId: other.id, kind: "off_site", siteId: site.id });
    const consignment = await call<{ id: string }>("consignments.create", {
      fromSiteId: site.id,
      toSiteId: room.id,
      tapeIds: [other.id],
    });
    await call("consignments.submit", { id: consignment.id });
    const draft = await call<{ id: string }>("consignments.create", { fromSiteId: site.id, toSiteId: room.id });
    const audit = await call<{ id: string }>("audits.start", { siteId: site.id });
    const scrap = await call<{ id: string }>("tapes.register", { barcode: SCRAP_LABEL });
    const destruction = await call<{ id: string }>("destruction.record", {
      tapeIds: [scrap.id],
      method: "destroy",
      technique: "Shred",
      performedAt: "2026-11-20T00:00:00.000Z",
      performedBy: "Sam Shredder",
      verification: "Visual inspection of the shredded remains",
      remainsDestination: "Recycled by Acme Metals",
    });
    ids = {
      tape: tape.id,
      other: other.id,
      job: job.id,
      site: site.id,
      consignment: consignment.id,
      draft: draft.id,
      audit: audit.id,
      destruction: destruction.id,
    };
    await desktop.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => new URL(desktop.url()).pathname).toBe("/sign-in");

    for (const { name } of SIZES) {
      for (const route of SIGNED_OUT.filter((route) => route !== "/setup")) {
        const page = pages[name];
        await page.goto(`${base}${route}`);
        await settle(page);
        expect(new URL(page.url()).pathname).toBe(route);
        findings.push(...(await seriousViolations(page, `${name} ${route} (signed out)`)));
      }
      // Every later check is of what an administrator sees.
      await signIn(pages[name], base, ADMIN);
    }
    expectNone(findings);
  });

  // Many pages on a busy machine: each waits for its requests to end before axe runs. The two sizes are
  // separate contexts of one browser, so they visit side by side, one core each.
  test("signed in as an administrator: every page at both sizes", { timeout: 600_000 }, async () => {
    const visitAll = async (name: Size) => {
      const page = pages[name];
      const findings: string[] = [];
      for (const [route, visit] of Object.entries(SIGNED_IN)) {
        await page.goto(`${base}${visit.url(ids)}`);
        await settle(page);
        await visit.ready?.(page);
        findings.push(...(await seriousViolations(page, `${name} ${route}`)));
      }
      return findings;
    };
    expectNone((await Promise.all(SIZES.map((size) => visitAll(size.name)))).flat());
  });

  describe.each(SIZES.map((size) => size.name))("signed in as an administrator, %s", (name) => {
    test(
      "open forms and dialogs: location, custody, correct barcode, delete, sign-out warning",
      { timeout: 300_000 },
      async () => {
        const page = pages[name];
        const dialog = page.getByRole("dialog");
        const findings: string[] = [];
        const check = async (what: string) => findings.push(...(await seriousViolations(page, `${name} ${what}`)));

        await page.goto(`${base}/backup/tapes/${ids.tape}`);
        await settle(page);
        await page.getByRole("button", { name: "Log Location" }).click();
        await page.getByRole("form", { name: "Log location" }).waitFor();
        await check("tape page, location form");
        await page.getByRole("button", { name: "Record Custody Event" }).click();
        await page.getByRole("form", { name: "Record custody event" }).waitFor();
        await check("tape page, custody form");

        await page.getByRole("button", { name: "Correct barcode" }).click();
        await dialog.waitFor();
        await check("tape page, correct-barcode dialog");
        await page.keyboard.press("Escape");
        await dialog.waitFor({ state: "hidden" });

        await page.getByRole("button", { name: "Delete", exact: true }).click();
        await dialog.getByTestId("delete-summary").waitFor();
        await check("tape page, delete dialog");
        await dialog.getByRole("button", { name: "Cancel" }).click();
        await dialog.waitFor({ state: "hidden" });

        await page.goto(`${base}/backup/jobs/${ids.job}`);
        await settle(page);
        await page.getByRole("button", { name: "Delete", exact: true }).click();
        await dialog.getByTestId("delete-summary").waitFor();
        await check("job page, delete dialog");
        await dialog.getByRole("button", { name: "Cancel" }).click();

        // An event waiting to sync makes signing out ask first.
        await page.goto(`${base}/backup/scan`);
        await expect.poll(() => page.getByTestId("batch-item").count()).toBe(1);
        await contexts[name].setOffline(true);
        await page.getByRole("button", { name: "Log location for 1 cartridge" }).click();
        const summary = page.getByTestId("sync-summary").filter({ visible: true });
        await expect.poll(() => summary.textContent()).toContain("1 waiting");
        await page.getByRole("button", { name: "Sign out" }).click();
        await dialog.getByTestId("sign-out-warning").waitFor();
        await check("sign-out warning");
        await dialog.getByRole("button", { name: "Cancel" }).click();
        await contexts[name].setOffline(false);
        await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toContain("All synced");

        expectNone(findings);
      },
    );
  });

  test("the scan screen announces each read, and a refused one, in a polite live region", async () => {
    const page = pages.phone;
    await page.goto(`${base}/backup/scan`);
    const announcement = page.getByTestId("read-announcement");
    expect(await announcement.getAttribute("role")).toBe("status");
    expect(await announcement.getAttribute("aria-live")).toBe("polite");

    // The camera films CAMERA_LABEL: its read is announced with what it did.
    await expect.poll(() => announcement.textContent()).toBe(`${CAMERA_LABEL} added to the batch.`);

    const typed = page.getByLabel("Cartridge label");
    await typed.fill(OTHER_LABEL);
    await typed.press("Enter");
    await expect.poll(() => announcement.textContent()).toBe(`${OTHER_LABEL} added to the batch.`);

    await typed.fill(CAMERA_LABEL);
    await typed.press("Enter");
    await expect.poll(() => announcement.textContent()).toBe(`${CAMERA_LABEL} is already in the batch.`);

    await typed.fill("axe004x9");
    await typed.press("Enter");
    await expect
      .poll(() => announcement.textContent())
      .toBe("Not added: AXE004X9 is not an LTO label, and no cartridge with this non-standard label is registered.");
    expect(await page.getByTestId("batch-item").count()).toBe(2);
  });

  describe("keyboard alone, with the focus always visible", () => {
    test("registers a cartridge with the new-tape form", async () => {
      const page = pages.desktop;
      await page.goto(`${base}/backup/tapes/new`);
      await settle(page);
      await tabTo(page, "barcode");
      await page.keyboard.type(KEYBOARD_LABEL);
      // Enter after the label goes on to the next field, as a USB scanner's does.
      await page.keyboard.press("Enter");
      await expect.poll(() => focused(page)).toMatchObject({ id: "status" });
      // Typing picks an option, as a closed select's type-ahead does.
      await page.keyboard.type("i");
      expect(await page.locator("#status").inputValue()).toBe("in_use");
      await tabTo(page, "tags");
      await page.keyboard.type("weekly");
      await tabTo(page, "notes");
      await page.keyboard.type("Registered from the keyboard");
      await tabTo(page, "Register cartridge");
      await page.keyboard.press("Enter");

      await expect.poll(() => new URL(page.url()).pathname).toBe("/backup");
      await expect.poll(() => toastText(page)).toContain(`Cartridge ${KEYBOARD_LABEL} registered.`);
    });

    test("logs a location with the location form", async () => {
      const page = pages.desktop;
      await page.goto(`${base}/backup/tapes/${ids.other}`);
      await settle(page);
      await tabTo(page, "Log Location");
      await page.keyboard.press("Enter");
      await page.getByRole("form", { name: "Log location" }).waitFor();
      await tabTo(page, "location-kind");
      // From "on site", the first choice for a cartridge never logged, to "in transit".
      await page.keyboard.type("i");
      expect(await page.locator("#location-kind").inputValue()).toBe("in_transit");
      // In transit names no site: the van goes in the free-text slot.
      await tabTo(page, "location-slot");
      await page.keyboard.type("Courier van 7");
      await page.keyboard.press("Enter");

      await page.getByRole("form", { name: "Log location" }).waitFor({ state: "detached" });
      await expect.poll(() => page.getByTestId("current-location").textContent()).toContain("slot Courier van 7");
    });
  });
});

type Focused = { id: string; text: string; tag: string; indicatorContrast: number; styles: string };

/**
 * The focused element and how well its focus indicator (outline, or a ring drawn as a box shadow) stands out
 * from what is behind it: the best contrast ratio of an indicator colour against the nearest opaque background.
 */
function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement;
    const canvas = document.createElement("canvas").getContext("2d", { willReadFrequently: true })!;
    /** Any CSS colour (Tailwind's are oklch) as sRGB through the canvas. */
    const rgba = (colour: string) => {
      canvas.clearRect(0, 0, 1, 1);
      canvas.fillStyle = colour;
      canvas.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = canvas.getImageData(0, 0, 1, 1).data;
      return { r: r!, g: g!, b: b!, a: a! / 255 };
    };
    let background = { r: 255, g: 255, b: 255 };
    for (let node = element.parentElement; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour.a === 1) {
        background = colour;
        break;
      }
    }
    const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const channel = (value: number) => {
        const c = value / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const contrast = (colour: string) => {
      const { r, g, b, a } = rgba(colour);
      const over = (fg: number, bg: number) => a * fg + (1 - a) * bg;
      const shown = { r: over(r, background.r), g: over(g, background.g), b: over(b, background.b) };
      const [light, dark] = [luminance(shown), luminance(background)].sort((x, y) => y - x);
      return (light! + 0.05) / (dark! + 0.05);
    };

    const style = getComputedStyle(element);
    const indicators: string[] = [];
    if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) indicators.push(style.outlineColor);
    // Each shadow that spreads beyond the element is a ring; its colour is what draws it.
    for (const shadow of style.boxShadow === "none" ? [] : style.boxShadow.split(/,(?![^(]*\))/)) {
      const colour = shadow.match(/^\s*((?:rgba?|oklch|oklab|color|lab|lch)\([^)]*\)|#\w+)/)?.[1];
      const spread = shadow.match(/(-?[\d.]+)px\s*$/)?.[1];
      if (colour && spread && parseFloat(spread) > 0) indicators.push(colour);
    }
    return {
      id: element.id,
      text: (element.getAttribute("aria-label") ?? element.textContent ?? "").trim().slice(0, 60),
      tag: element.tagName.toLowerCase(),
      indicatorContrast: Math.max(0, ...indicators.map(contrast)),
      styles: `outline ${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}; box-shadow ${style.boxShadow}; on ${JSON.stringify(background)}`,
    };
  });
}

/** Waits for the focused element's indicator to show (Tailwind's colours ease in), then judges it. */
async function expectFocusVisible(page: Page) {
  let element = await focused(page);
  for (let waited = 0; element.indicatorContrast < 3 && waited < 1_000; waited += 100) {
    await page.waitForTimeout(100);
    element = await focused(page);
  }
  const name = `<${element.tag}> "${element.text || element.id}" (${element.styles})`;
  expect(element.indicatorContrast, `focus indicator of ${name}`).toBeGreaterThanOrEqual(3);
  return element;
}

/**
 * Presses Tab until the element with this id or text has the focus (unless it has it already), expecting
 * every element passed on the way to show that it has it (WCAG's 3:1 for what marks the focus).
 */
async function tabTo(page: Page, target: string) {
  const reached = (element: Focused) => element.id === target || element.text === target;
  if (reached(await focused(page))) return expectFocusVisible(page);
  for (let presses = 0; presses < 60; presses++) {
    await page.keyboard.press("Tab");
    if (reached(await expectFocusVisible(page))) return;
  }
  throw new Error(`Tab never reached "${target}"`);
}
