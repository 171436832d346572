/**
 * LTO cartridge labels (Code 39): six characters of volume serial, then a two-character media identifier.
 * Capacities are native (uncompressed), in bytes.
 */
export type MediaType = "data" | "worm" | "cleaning";

export type LtoLabel = {
  barcode: string;
  volumeSerial: string;
  mediaId: string;
  /** 1–10; null for cleaning cartridges, which are not tied to a generation. */
  generation: number | null;
  generationLabel: string | null;
  mediaType: MediaType;
  nativeCapacityBytes: bigint | null;
};

type Media = { generation: number; generationLabel: string; mediaType: MediaType; gb: number };

const TB = 1000;
const MEDIA: Record<string, Media> = {
  L1: { generation: 1, generationLabel: "LTO-1", mediaType: "data", gb: 100 },
  L2: { generation: 2, generationLabel: "LTO-2", mediaType: "data", gb: 200 },
  L3: { generation: 3, generationLabel: "LTO-3", mediaType: "data", gb: 400 },
  L4: { generation: 4, generationLabel: "LTO-4", mediaType: "data", gb: 800 },
  L5: { generation: 5, generationLabel: "LTO-5", mediaType: "data", gb: 1.5 * TB },
  L6: { generation: 6, generationLabel: "LTO-6", mediaType: "data", gb: 2.5 * TB },
  L7: { generation: 7, generationLabel: "LTO-7", mediaType: "data", gb: 6 * TB },
  M8: { generation: 7, generationLabel: "LTO-7 Type M (M8)", mediaType: "data", gb: 9 * TB },
  L8: { generation: 8, generationLabel: "LTO-8", mediaType: "data", gb: 12 * TB },
  L9: { generation: 9, generationLabel: "LTO-9", mediaType: "data", gb: 18 * TB },
  LA: { generation: 10, generationLabel: "LTO-10", mediaType: "data", gb: 30 * TB },
  PA: { generation: 10, generationLabel: "LTO-10 (40 TB)", mediaType: "data", gb: 40 * TB },
  LT: { generation: 3, generationLabel: "LTO-3", mediaType: "worm", gb: 400 },
  LU: { generation: 4, generationLabel: "LTO-4", mediaType: "worm", gb: 800 },
  LV: { generation: 5, generationLabel: "LTO-5", mediaType: "worm", gb: 1.5 * TB },
  LW: { generation: 6, generationLabel: "LTO-6", mediaType: "worm", gb: 2.5 * TB },
  LX: { generation: 7, generationLabel: "LTO-7", mediaType: "worm", gb: 6 * TB },
  LY: { generation: 8, generationLabel: "LTO-8", mediaType: "worm", gb: 12 * TB },
  LZ: { generation: 9, generationLabel: "LTO-9", mediaType: "worm", gb: 18 * TB },
};

export const MEDIA_TYPE_LABEL: Record<MediaType, string> = { data: "Data", worm: "WORM", cleaning: "Cleaning" };

const isPadding = (char: string) => char === "*" || char.trim() === "";

/**
 * Upper-cases and strips what scanners add: surrounding whitespace and Code 39 start/stop asterisks, in
 * any mix and order, so normalising a normalised label changes nothing. A loop, not a regular
 * expression: a trailing-run pattern backtracks quadratically on long scanner garbage.
 */
export function normaliseLabel(input: string): string {
  let start = 0;
  let end = input.length;
  while (start < end && isPadding(input[start]!)) start += 1;
  while (end > start && isPadding(input[end - 1]!)) end -= 1;
  return input.slice(start, end).toUpperCase();
}

export type ParseResult = { ok: true; label: LtoLabel } | { ok: false; error: string };

const QUOTED_MAX = 24;

/**
 * Scanned text quoted in a message, with what would not show (control characters, half an emoji) made
 * visible: a NUL becomes ␀, a lone surrogate �, so the message stays readable and can be stored. Long
 * garbage is cut short: the message is about the label, not a copy of whatever the scanner sent.
 */
function quoted(text: string): string {
  const characters = Array.from(text);
  const shown = characters.length > QUOTED_MAX ? `${characters.slice(0, QUOTED_MAX - 4).join("")}…` : text;
  const visible = shown.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\u0000-\u001F\u007F\uD800-\uDFFF]/g, (match) => {
    if (match.length === 2) return match;
    const code = match.charCodeAt(0);
    if (code <= 0x1f) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? "\u2421" : "\uFFFD";
  });
  return `"${visible}"`;
}

/** A label's details from its media identifier (CU: cleaning), or null for an identifier LTO does not define. */
function labelOf(barcode: string, volumeSerial: string, mediaId: string): LtoLabel | null {
  if (mediaId === "CU") {
    return {
      barcode,
      volumeSerial,
      mediaId,
      generation: null,
      generationLabel: null,
      mediaType: "cleaning",
      nativeCapacityBytes: null,
    };
  }
  const media = Object.hasOwn(MEDIA, mediaId) ? MEDIA[mediaId] : undefined;
  if (!media) return null;
  return {
    barcode,
    volumeSerial,
    mediaId,
    generation: media.generation,
    generationLabel: media.generationLabel,
    mediaType: media.mediaType,
    nativeCapacityBytes: BigInt(media.gb) * 1_000_000_000n,
  };
}

export function parseLtoLabel(input: string): ParseResult {
  const barcode = normaliseLabel(input);
  if (!barcode) return { ok: false, error: "Enter or scan a cartridge label, e.g. 000123L9" };
  if (barcode.length !== 8) {
    return {
      ok: false,
      error: `An LTO label has 8 characters (6 of volume serial, then a 2-character media identifier such as L9); ${quoted(barcode)} has ${barcode.length}`,
    };
  }
  const volumeSerial = barcode.slice(0, 6);
  const mediaId = barcode.slice(6);
  if (!/^[A-Z0-9]{6}$/.test(volumeSerial)) {
    return {
      ok: false,
      error: `The volume serial ${quoted(volumeSerial)} may contain only letters A–Z and digits 0–9`,
    };
  }
  const cleaning = mediaId === "CU" || (volumeSerial.startsWith("CLN") && /^L[1-9]$/.test(mediaId));
  const label = labelOf(barcode, volumeSerial, cleaning ? "CU" : mediaId);
  if (!label) {
    return {
      ok: false,
      error: `${quoted(mediaId)} is not an LTO media identifier (L1–L9, LA, PA, M8 for data; LT–LZ for WORM; CU for cleaning)`,
    };
  }
  return { ok: true, label: { ...label, mediaId } };
}

/**
 * The media a cartridge can be registered as by hand, for a label that does not name it: legacy and
 * in-house labels (see `parseNonStandardLabel`). CU stands for a cleaning cartridge.
 */
export const MEDIA_CHOICES: readonly { mediaId: string; label: string }[] = [
  ...Object.entries(MEDIA).map(([mediaId, media]) => ({
    mediaId,
    label: `${media.generationLabel}${media.mediaType === "worm" ? " WORM" : ""}`,
  })),
  { mediaId: "CU", label: "Cleaning cartridge" },
];
export const MEDIA_CHOICE_IDS = MEDIA_CHOICES.map((choice) => choice.mediaId) as [string, ...string[]];

/** The details of a non-standard label registered as the media chosen by hand; null for an unknown choice. */
export function labelWithMedia(barcode: string, mediaId: string): LtoLabel | null {
  return labelOf(barcode, barcode, mediaId);
}

export const NON_STANDARD_LABEL_MIN = 4;
export const NON_STANDARD_LABEL_MAX = 16;

export type NonStandardResult = { ok: true; barcode: string } | { ok: false; error: string };

/**
 * A label that is not an LTO label: a legacy six-character label (a volume serial without media
 * identifier) or an in-house one of up to 16 letters, digits and hyphens. Such a label says nothing about
 * the media, so it is registered only on purpose, with the generation chosen by hand; a standard label is
 * refused here so that it is always registered as what it says it is.
 */
export function parseNonStandardLabel(input: string): NonStandardResult {
  const barcode = normaliseLabel(input);
  if (!barcode) return { ok: false, error: "Enter the cartridge's label, e.g. ABC123" };
  if (parseLtoLabel(barcode).ok) {
    return {
      ok: false,
      error: `${quoted(barcode)} is a standard LTO label: register it without "non-standard label"`,
    };
  }
  const length = Array.from(barcode).length;
  if (length < NON_STANDARD_LABEL_MIN || length > NON_STANDARD_LABEL_MAX) {
    return {
      ok: false,
      error: `A non-standard label has ${NON_STANDARD_LABEL_MIN} to ${NON_STANDARD_LABEL_MAX} characters; ${quoted(barcode)} has ${length}`,
    };
  }
  if (!/^[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?$/.test(barcode)) {
    return {
      ok: false,
      error: `A non-standard label may contain only letters A–Z, digits 0–9 and hyphens, and starts and ends with a letter or digit; ${quoted(barcode)} does not`,
    };
  }
  return { ok: true, barcode };
}

/**
 * A barcode a cartridge may be registered under: a valid LTO label, or a well-formed non-standard one.
 * Whether a non-standard one is registered is for the caller to check; the message is the LTO parser's,
 * since a label that is neither is most often a mistyped LTO label.
 */
export function parseCartridgeBarcode(input: string): NonStandardResult {
  const standard = parseLtoLabel(input);
  if (standard.ok) return { ok: true, barcode: standard.label.barcode };
  const other = parseNonStandardLabel(input);
  return other.ok ? other : { ok: false, error: standard.error };
}
