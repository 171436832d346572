import { describe, expect, test } from "vitest";
import {
  FRAME_ROWS_PER_CROP_ROW,
  GUIDE_BOX,
  guideBoxCrop,
  guideBoxOnElement,
  MAX_TILT_DEGREES,
  tiltCrop,
} from "../../app/_client/scanner/guide-box";

const HD = { width: 1280, height: 720 };

describe("guide box crop", () => {
  test("is a centred band of the frame when the element shows the whole frame", () => {
    expect(guideBoxCrop(HD, HD, "cover")).toMatchObject({ sx: 128, sy: 232, sw: 1024, sh: 256 });
  });

  test("is drawn at full width and one row for every four frame rows", () => {
    expect(FRAME_ROWS_PER_CROP_ROW).toBe(4);
    expect(guideBoxCrop(HD, HD, "cover")).toMatchObject({ width: 1024, height: 64 });
  });

  test("a scaled-down element maps back to the same video pixels", () => {
    expect(guideBoxCrop(HD, { width: 640, height: 360 }, "contain")).toEqual(guideBoxCrop(HD, HD, "cover"));
  });

  test("with object-fit: cover on a portrait phone screen, only the visible middle of the frame is cropped", () => {
    // 1280×720 shown 800 px tall on a 390 px wide element: 1.11 element px per video px, 355 video px visible across.
    const crop = guideBoxCrop(HD, { width: 390, height: 800 }, "cover")!;
    const visibleWidth = 390 / (800 / 720);
    expect(crop.sw).toBeCloseTo(visibleWidth * GUIDE_BOX.widthFraction, -1);
    expect(crop.sx + crop.sw / 2).toBeCloseTo(640, -1);
    expect(crop.sy + crop.sh / 2).toBeCloseTo(360, -1);
    expect(crop.sw / crop.sh).toBeCloseTo(GUIDE_BOX.aspectRatio, 0);
  });

  test("with object-fit: contain, the box sits inside the letterboxed picture", () => {
    const element = { width: 400, height: 800 };
    const onElement = guideBoxOnElement(HD, element, "contain");
    // The picture is 400×225, centred vertically at y = 287.5.
    expect(onElement.width).toBeCloseTo(320);
    expect(onElement.x).toBeCloseTo(40);
    expect(onElement.y + onElement.height / 2).toBeCloseTo(400);
    expect(guideBoxCrop(HD, element, "contain")).toEqual(guideBoxCrop(HD, HD, "cover"));
  });

  test("with object-fit: fill, element and frame axes scale separately", () => {
    const crop = guideBoxCrop(HD, { width: 1280, height: 1440 }, "fill")!;
    // 1024 element px wide, 256 tall: 128 video rows, around the middle.
    expect(crop).toMatchObject({ sx: 128, sw: 1024, sh: 128, sy: 296 });
  });

  test("a box taller than the picture is cut to the picture", () => {
    const crop = guideBoxCrop(HD, HD, "cover", { widthFraction: 1, aspectRatio: 1 })!;
    expect(crop).toMatchObject({ sy: 0, sh: 720 });
  });

  test("frames wider than the decoder needs are scaled down, keeping the shape", () => {
    const crop = guideBoxCrop({ width: 3840, height: 2160 }, { width: 3840, height: 2160 }, "cover")!;
    expect(crop).toMatchObject({ sw: 3072, sh: 768, width: 1280, height: 80 });
  });

  test("an element not laid out yet crops as if it showed the whole frame", () => {
    expect(guideBoxCrop(HD, { width: 0, height: 0 }, "cover")).toEqual(guideBoxCrop(HD, HD, "cover"));
  });

  test("no crop before the video knows its size", () => {
    expect(guideBoxCrop({ width: 0, height: 0 }, { width: 390, height: 800 }, "cover")).toBeNull();
  });

  test("the crop never leaves the frame", () => {
    for (const element of [
      { width: 390, height: 800 },
      { width: 1920, height: 300 },
      { width: 333, height: 777 },
    ]) {
      for (const fit of ["cover", "contain", "fill"] as const) {
        const crop = guideBoxCrop(HD, element, fit)!;
        expect(crop.sx).toBeGreaterThanOrEqual(0);
        expect(crop.sy).toBeGreaterThanOrEqual(0);
        expect(crop.sx + crop.sw).toBeLessThanOrEqual(HD.width);
        expect(crop.sy + crop.sh).toBeLessThanOrEqual(HD.height);
      }
    }
  });
});

describe("tilted crop", () => {
  test("is the guide box made taller by the climb of a label turned 30° across it, cut to the frame", () => {
    expect(MAX_TILT_DEGREES).toBe(30);
    // 1024 × sin 30° / 2 = 256 rows above and below the 256-row box: more than the frame has.
    expect(tiltCrop(HD, HD, "cover")).toMatchObject({ sx: 128, sy: 0, sw: 1024, sh: 720 });
    // 512 × sin 30° / 2 = 128 rows above and below the 128-row box at 176.
    expect(tiltCrop({ width: 640, height: 480 }, { width: 640, height: 480 }, "cover")).toMatchObject({
      sx: 64,
      sy: 48,
      sw: 512,
      sh: 384,
    });
  });

  test("is drawn at one scale on both axes, at most 640 wide, and says where the guide box is on it", () => {
    expect(tiltCrop(HD, HD, "cover")).toMatchObject({
      width: 640,
      height: 450,
      box: { x: 0, y: 145, width: 640, height: 160 },
    });
    expect(tiltCrop({ width: 640, height: 480 }, { width: 640, height: 480 }, "cover")).toMatchObject({
      width: 512,
      height: 384,
      box: { x: 0, y: 128, width: 512, height: 128 },
    });
  });

  test("follows the guide box on a portrait phone screen", () => {
    const guide = guideBoxCrop(HD, { width: 390, height: 800 }, "cover")!;
    const tilt = tiltCrop(HD, { width: 390, height: 800 }, "cover")!;
    expect(tilt).toMatchObject({ sx: guide.sx, sw: guide.sw, width: guide.sw });
    expect(tilt.sy + tilt.box.y).toBe(guide.sy);
    expect(tilt.box.height).toBe(guide.sh);
  });

  test("no tilted crop before the video knows its size", () => {
    expect(tiltCrop({ width: 0, height: 0 }, { width: 390, height: 800 }, "cover")).toBeNull();
  });
});
