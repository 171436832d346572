import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium driven by playwright-core, for the browser tests and the benchmarks that load pages. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Debian Chromium that makes no connections of its own (the machine has no internet). */
export function chromiumArgs(extra: string[] = []): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    ...extra,
  ];
}

/** Chromium's camera replaced by a Y4M video, with the permission prompt answered yes. */
export const fakeCameraArgs = (videoFile: string) => [
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  `--use-file-for-fake-video-capture=${videoFile}`,
];

export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(extraArgs) });
}
