/**
 * Where on screen the courier aims the label, and which pixels of the camera frame that is.
 * The screen draws its overlay from `guideBoxOnElement` and the scanner crops with `guideBoxCrop`, so
 * what is decoded is what the user sees inside the box: a neighbouring cartridge's label in the same
 * rack stays outside it. A label held at an angle sticks out of the box, so `tiltCrop` also takes the
 * frame above and below it; from there only a label centred in the box is read.
 */

export type Size = { width: number; height: number };
export type Rect = { x: number; y: number; width: number; height: number };

/** How the <video> element maps the frame onto its box (its CSS `object-fit`). */
export type VideoFit = "cover" | "contain" | "fill";

export type GuideBox = {
  /** Width of the box as a fraction of the visible video width. */
  widthFraction: number;
  /** Width over height: a centred horizontal band shaped like a cartridge label. */
  aspectRatio: number;
};

export const GUIDE_BOX: GuideBox = { widthFraction: 0.8, aspectRatio: 4 };

/**
 * Decoding time grows with the pixels handed to the decoder; wider than this adds no read rate for an
 * 8-character Code 39 label, so larger camera frames are scaled down to it.
 */
export const MAX_CROP_WIDTH = 1280;

/**
 * The bars of a label are the same on every row across them, so the crop is drawn with one row for
 * every four of the frame (the canvas averages them as it scales, which also evens out sensor noise).
 * Everything after the draw (read-back, transfer, grayscale, decode) then handles a quarter of the
 * pixels. Four frame rows hold a label tilted 5° to within a third of a pixel.
 */
export const FRAME_ROWS_PER_CROP_ROW = 4;

/** The source rectangle in video pixels and the size it is drawn at for decoding. */
export type CropRect = { sx: number; sy: number; sw: number; sh: number; width: number; height: number };

/**
 * A label turned 30° no longer fits the 4:1 box: its bars climb half their length. The tilted crop is
 * the guide box made taller by that climb (cut to the frame), so it holds the whole of such a label
 * whose centre is in the box.
 */
export const MAX_TILT_DEGREES = 30;

/**
 * The tilted crop cannot drop rows the way the level crop does (its bars are not vertical), so it is
 * drawn at one scale on both axes, at most this wide: a label filling 55 % of the box still gets two
 * pixels per narrow bar, and the read-back and decode handle a fraction of the frame's pixels.
 */
export const MAX_TILT_CROP_WIDTH = 640;

/** The tilted crop, and where the guide box lies in it (in drawn pixels): only labels centred there count. */
export type TiltCrop = CropRect & { box: Rect };

/** The part of the element the video actually covers, in element pixels, and element pixels per video pixel. */
function placement(video: Size, element: Size, fit: VideoFit) {
  if (fit === "fill") {
    return {
      visible: { x: 0, y: 0, width: element.width, height: element.height },
      offset: { x: 0, y: 0 },
      scale: { x: element.width / video.width, y: element.height / video.height },
    };
  }
  const pick = fit === "cover" ? Math.max : Math.min;
  const s = pick(element.width / video.width, element.height / video.height);
  const shown = { width: video.width * s, height: video.height * s };
  const offset = { x: (element.width - shown.width) / 2, y: (element.height - shown.height) / 2 };
  const visible =
    fit === "cover"
      ? { x: 0, y: 0, width: element.width, height: element.height }
      : { x: offset.x, y: offset.y, width: shown.width, height: shown.height };
  return { visible, offset, scale: { x: s, y: s } };
}

/** A zero-size element (not laid out, or hidden) shows nothing: crop as if it showed the whole frame. */
function displayed(video: Size, element: Size): Size {
  return element.width > 0 && element.height > 0 ? element : video;
}

/** The guide box in element pixels, for the screen's overlay. */
export function guideBoxOnElement(video: Size, element: Size, fit: VideoFit, box: GuideBox = GUIDE_BOX): Rect {
  const { visible } = placement(video, displayed(video, element), fit);
  const width = visible.width * box.widthFraction;
  const height = Math.min(width / box.aspectRatio, visible.height);
  return {
    x: visible.x + (visible.width - width) / 2,
    y: visible.y + (visible.height - height) / 2,
    width,
    height,
  };
}

/** The guide box in video pixels, or null while the video has no frame size yet. */
export function guideBoxCrop(
  video: Size,
  element: Size,
  fit: VideoFit,
  box: GuideBox = GUIDE_BOX,
  maxWidth: number = MAX_CROP_WIDTH,
): CropRect | null {
  if (video.width <= 0 || video.height <= 0) return null;
  const shownOn = displayed(video, element);
  const onElement = guideBoxOnElement(video, shownOn, fit, box);
  const { offset, scale } = placement(video, shownOn, fit);

  const left = Math.max(0, Math.floor((onElement.x - offset.x) / scale.x));
  const top = Math.max(0, Math.floor((onElement.y - offset.y) / scale.y));
  const right = Math.min(video.width, Math.ceil((onElement.x + onElement.width - offset.x) / scale.x));
  const bottom = Math.min(video.height, Math.ceil((onElement.y + onElement.height - offset.y) / scale.y));
  const sw = right - left;
  const sh = bottom - top;
  if (sw <= 0 || sh <= 0) return null;

  const shrink = Math.min(1, maxWidth / sw);
  return {
    sx: left,
    sy: top,
    sw,
    sh,
    width: Math.max(1, Math.round(sw * shrink)),
    height: Math.max(1, Math.round((sh * shrink) / FRAME_ROWS_PER_CROP_ROW)),
  };
}

/** The taller crop around the guide box that the tilted pass reads, or null while the video has no frame size. */
export function tiltCrop(
  video: Size,
  element: Size,
  fit: VideoFit,
  box: GuideBox = GUIDE_BOX,
  maxWidth: number = MAX_TILT_CROP_WIDTH,
): TiltCrop | null {
  const guide = guideBoxCrop(video, element, fit, box, Infinity);
  if (!guide) return null;
  const climb = Math.ceil((guide.sw * Math.sin((MAX_TILT_DEGREES * Math.PI) / 180)) / 2);
  const top = Math.max(0, guide.sy - climb);
  const bottom = Math.min(video.height, guide.sy + guide.sh + climb);
  const scale = Math.min(1, maxWidth / guide.sw);
  return {
    sx: guide.sx,
    sy: top,
    sw: guide.sw,
    sh: bottom - top,
    width: Math.max(1, Math.round(guide.sw * scale)),
    height: Math.max(1, Math.round((bottom - top) * scale)),
    box: { x: 0, y: (guide.sy - top) * scale, width: guide.sw * scale, height: guide.sh * scale },
  };
}
