import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { decodeFrame, loadDecoder, type RgbaImage } from "../../app/_client/scanner/decode";
import { guideBoxCrop, type CropRect } from "../../app/_client/scanner/guide-box";
import { writeLabelVideo } from "./fake-camera";
import { fakeCameraArgs, launchBrowser } from "./harness";

const LABEL = "000123L9";
const BLANK_SECONDS = 2;
const PAGE_URL = "http://localhost/camera";

let dir: string;
let browser: Browser;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-fake-camera-"));
  const video = writeLabelVideo(LABEL, path.join(dir, "label.y4m"), { blankSeconds: BLANK_SECONDS, labelSeconds: 3 });
  const wasm = fs.readFileSync(createRequire(import.meta.url).resolve("zxing-wasm/reader/zxing_reader.wasm"));
  await loadDecoder({ bytes: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) });
  browser = await launchBrowser(fakeCameraArgs(video.file));
});

afterAll(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens the camera in the page, as the scanner does, and returns its frame size. */
async function openCamera(page: Page) {
  return page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 }, audio: false });
    const video = document.createElement("video");
    video.muted = true;
    video.srcObject = stream;
    document.body.append(video);
    await video.play();
    return { width: video.videoWidth, height: video.videoHeight };
  });
}

/** The guide-box part of the camera's current frame, copied out of the page. */
async function grabCrop(page: Page, crop: CropRect): Promise<RgbaImage> {
  const base64 = await page.evaluate((crop) => {
    const video = document.querySelector("video")!;
    const canvas = document.createElement("canvas");
    canvas.width = crop.width;
    canvas.height = crop.height;
    const context = canvas.getContext("2d", { willReadFrequently: true })!;
    context.drawImage(video, crop.sx, crop.sy, crop.sw, crop.sh, 0, 0, crop.width, crop.height);
    const bytes = context.getImageData(0, 0, crop.width, crop.height).data;
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }, crop);
  return { data: new Uint8ClampedArray(Buffer.from(base64, "base64")), width: crop.width, height: crop.height };
}

test("Chromium plays the label video as its camera: blank first, then a frame the label decodes from", async () => {
  const page = await browser.newPage();
  // Cameras are offered only to secure contexts, which localhost is; the page is answered here, no server needed.
  await page.route(PAGE_URL, (route) =>
    route.fulfill({ contentType: "text/html", body: "<!doctype html><title>camera</title>" }),
  );
  await page.goto(PAGE_URL);
  const size = await openCamera(page);
  expect(size).toEqual({ width: 1280, height: 720 });
  const crop = guideBoxCrop(size, size, "cover")!;

  expect(await decodeFrame(await grabCrop(page, crop))).toBeNull();

  let text: string | null = null;
  const deadline = Date.now() + (BLANK_SECONDS + 10) * 1000;
  while (text === null && Date.now() < deadline) {
    text = await decodeFrame(await grabCrop(page, crop));
    if (text === null) await page.waitForTimeout(100);
  }
  expect(text).toBe(LABEL);
});
