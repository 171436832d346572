import { performance } from "node:perf_hooks";
import { percentile } from "../stats";

export type Timing = { name: string; runs: number; p50: number; p95: number; max: number };

/**
 * Times `call` one run at a time after a warm-up (connections opened, plans and caches warm), so the figures
 * are what a user meets on a running server rather than the first request after a start.
 */
export async function measure(
  name: string,
  call: (run: number) => Promise<unknown>,
  { warmup, runs }: { warmup: number; runs: number },
): Promise<Timing> {
  for (let run = 0; run < warmup; run++) await call(run);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await call(warmup + run);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name, runs, p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: times.at(-1)! };
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));

export function markdownTable(timings: Timing[]): string {
  return [
    "| Query | Runs | p50 (ms) | p95 (ms) | Max (ms) |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...timings.map((t) => `| ${t.name} | ${t.runs} | ${ms(t.p50)} | ${ms(t.p95)} | ${ms(t.max)} |`),
  ].join("\n");
}

/**
 * The same queries measured on catalogues of several sizes, side by side: a query whose cost does not depend
 * on the catalogue's size shows the same figures in every column, and a ratio near 1 at the end. Rows are
 * paired by position (a deep page's name names its own size).
 */
export function sizesTable(sizes: { cartridges: number; timings: Timing[] }[]): string {
  const first = sizes[0]!;
  const last = sizes.at(-1)!;
  const count = (n: number) => n.toLocaleString("en");
  return [
    `| Query | ${sizes.map((size) => `p50 / p95 at ${count(size.cartridges)} cartridges`).join(" | ")} | p95 ratio |`,
    `| --- | ${sizes.map(() => "---:").join(" | ")} | ---: |`,
    ...last.timings.map((timing, index) => {
      const figures = sizes.map((size) => {
        const at = size.timings[index]!;
        return `${ms(at.p50)} / ${ms(at.p95)}`;
      });
      const ratio = timing.p95 / first.timings[index]!.p95;
      return `| ${timing.name} | ${figures.join(" | ")} | ${ratio.toFixed(1)} |`;
    }),
  ].join("\n");
}
