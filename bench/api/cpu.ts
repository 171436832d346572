import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";

/**
 * CPU time of whole process trees, read from /proc (Linux only), so a run can say which side was busy:
 * the app server, the database, or the load generator itself. On a shared machine the rest of the
 * machine's busy time is reported too, as what other work took from the same cores.
 */

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

type ProcStat = { pid: number; ppid: number; ticks: number };

/** utime + stime of one process; the command name sits in parentheses and may itself hold spaces. */
function readStat(pid: number): ProcStat | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

function allProcesses(): ProcStat[] {
  return fs
    .readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== null);
}

/** The process and everything below it. */
function tree(root: number, processes: ProcStat[]): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const stat of processes) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const found: ProcStat[] = [];
  const visit = (stat: ProcStat) => {
    found.push(stat);
    for (const child of children.get(stat.pid) ?? []) visit(child);
  };
  const top = processes.find((stat) => stat.pid === root);
  if (top) visit(top);
  return found;
}

/** Busy and total ticks of the whole machine, all cores together. */
function machineTicks() {
  const values = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3]! + values[4]!;
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** The parent of a PostgreSQL backend (the postmaster), if that backend runs on this machine. */
export function postmasterOf(backendPid: number): number | null {
  try {
    if (fs.readFileSync(`/proc/${backendPid}/comm`, "utf8").trim() !== "postgres") return null;
  } catch {
    return null;
  }
  return readStat(backendPid)?.ppid ?? null;
}

export const canSample = () => os.platform() === "linux" && fs.existsSync("/proc/stat");

/** Cores in use on average over a run, per side. */
export type CpuShare = {
  server: number;
  database: number | null;
  bench: number;
  machine: number;
  other: number;
  seconds: number;
};

/**
 * Samples the given process trees twice a second while a run lasts. A process that starts during the run
 * counts from zero; one that ends counts up to its last sample.
 */
export function startCpuSampling(roots: { server: number; database: number | null }) {
  const first = new Map<number, number>();
  const last = new Map<number, { side: "server" | "database"; ticks: number }>();
  const sample = (initial: boolean) => {
    const processes = allProcesses();
    const sides = [
      ["server", roots.server],
      ["database", roots.database],
    ] as const;
    for (const [side, root] of sides) {
      if (root === null) continue;
      for (const stat of tree(root, processes)) {
        if (initial) first.set(stat.pid, stat.ticks);
        else if (!first.has(stat.pid)) first.set(stat.pid, 0);
        last.set(stat.pid, { side, ticks: stat.ticks });
      }
    }
  };
  sample(true);
  const machineStart = machineTicks();
  const benchStart = process.cpuUsage();
  const started = performance.now();
  const timer = setInterval(() => sample(false), 500);

  return function stop(): CpuShare {
    clearInterval(timer);
    sample(false);
    const seconds = (performance.now() - started) / 1000;
    const bench = process.cpuUsage(benchStart);
    const machineEnd = machineTicks();
    const totals = { server: 0, database: 0 };
    for (const [pid, { side, ticks }] of last) totals[side] += ticks - (first.get(pid) ?? 0);
    const cores = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
    const share = {
      server: cores(totals.server),
      database: roots.database === null ? null : cores(totals.database),
      bench: (bench.user + bench.system) / 1e6 / seconds,
      // /proc/stat counts in the same ticks, summed over every core.
      machine: cores(machineEnd.busy - machineStart.busy),
    };
    return {
      ...share,
      other: Math.max(0, share.machine - share.server - (share.database ?? 0) - share.bench),
      seconds,
    };
  };
}

/**
 * Waits until the process trees are idle: requests still in flight when autocannon stops go on using the
 * server, and would be counted in the next run.
 */
export async function waitForIdle(roots: { server: number; database: number | null }, maxSeconds = 60) {
  const busyTicks = () => {
    const processes = allProcesses();
    return [roots.server, roots.database]
      .filter((root): root is number => root !== null)
      .flatMap((root) => tree(root, processes))
      .reduce((sum, stat) => sum + stat.ticks, 0);
  };
  const deadline = performance.now() + maxSeconds * 1000;
  let before = busyTicks();
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = busyTicks();
    // Under a tenth of a core over half a second: only housekeeping is left.
    if ((now - before) / TICKS_PER_SECOND < 0.05) return;
    before = now;
  }
}
