import { describe, expect, test } from "vitest";
import { MIN_RANGE, stretchLocalContrast } from "../../app/_client/scanner/local-contrast";

/** One row of bars: `pattern` as runs of `width` pixels, "1" ink and "0" paper. */
function row(pattern: string, ink: number, paper: number, width = 4): Uint8Array {
  return Uint8Array.from([...pattern].flatMap((bit) => Array<number>(width).fill(bit === "1" ? ink : paper)));
}

describe("local contrast stretch", () => {
  test("faint bars are stretched to black on white", () => {
    const faint = row("0101100110", 130, 165);
    const out = stretchLocalContrast(faint, faint.length, 1, 4);
    expect([...new Set(out)].sort((a, b) => a - b)).toEqual([0, 255]);
    expect(out[4]).toBe(0);
    expect(out[0]).toBe(255);
  });

  test("bars washed out by glare and bars in full contrast on the same row both come out dark on light", () => {
    const clear = row("0101101", 20, 240);
    const washedOut = row("0101101", 200, 250);
    const both = Uint8Array.from([...clear, ...washedOut]);
    const out = stretchLocalContrast(both, both.length, 1, 4);
    const ink = (value: number) => value === 20 || value === 200;
    for (const [at, value] of both.entries()) {
      if (ink(value)) expect(out[at], `ink at ${at}`).toBeLessThan(10);
      else expect(out[at], `paper at ${at}`).toBeGreaterThan(245);
    }
  });

  test("plain areas below the minimum contrast become white, even dark ones", () => {
    const shell = new Uint8Array(64).map((_, i) => 60 + (i % 3) * Math.floor((MIN_RANGE - 1) / 2));
    expect([...stretchLocalContrast(shell, 64, 1, 8)].every((v) => v === 255)).toBe(true);
  });

  test("each row is stretched on its own", () => {
    const top = row("0110", 0, 255);
    const bottom = row("0110", 100, 140);
    const image = Uint8Array.from([...top, ...bottom]);
    const out = stretchLocalContrast(image, top.length, 2, 4);
    expect([...out.subarray(0, top.length)]).toEqual([...top]);
    expect([...out.subarray(top.length)]).toEqual([...top]);
  });

  test("writes into the buffer it is given", () => {
    const image = row("0110", 0, 255);
    const out = new Uint8Array(image.length);
    expect(stretchLocalContrast(image, image.length, 1, 4, out)).toBe(out);
  });
});
