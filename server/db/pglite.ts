import fs from "node:fs";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { NodeFS } from "@electric-sql/pglite/nodefs";

/** The part of Emscripten's node file system this module changes; PGlite does not type it. */
type EmscriptenNodeFs = { NODEFS: { stream_ops: { fsync?: (stream: { nfd: number }) => number } } };

/**
 * PGlite's file system on Node writes through to the real files but makes fsync a no-op, and PGlite starts
 * PostgreSQL with fsync off (`-F`): a commit the app acknowledged sat in the page cache, and a power cut
 * could lose it or leave the data directory inconsistent. This file system gives PostgreSQL's fsync calls
 * (musl's fsync reaches Emscripten's `fd_sync`, which calls the stream's own `fsync`) a real fsync(2).
 */
class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Parameters<NodeFS["init"]>[1]) {
    const result = await super.init(pg, opts);
    const preRun = [result.emscriptenOpts.preRun ?? []].flat();
    preRun.push((module: unknown) => {
      (module as EmscriptenNodeFs).NODEFS.stream_ops.fsync = (stream) => {
        fs.fsyncSync(stream.nfd);
        return 0;
      };
    });
    return { emscriptenOpts: { ...result.emscriptenOpts, preRun } };
  }
}

/**
 * PostgreSQL's own durability, as on a server: fsync on, and `wal_sync_method=fsync` because Emscripten's
 * fdatasync (the Linux default method) is a no-op that the file system cannot reach. Every commit then
 * waits for its WAL record to be on disk, and checkpoints for the data files.
 */
export const DURABLE_START_PARAMS = [
  ...PGlite.defaultStartParams.filter((param) => param !== "-F"),
  "-c",
  "fsync=on",
  "-c",
  "wal_sync_method=fsync",
];

/**
 * The extensions the schema uses (pg_trgm, for the lists' contains-searches). PGlite bundles each as code
 * to load, so every PGlite that opens the app's database, or migrates one, is given them.
 */
export const PGLITE_EXTENSIONS = { pg_trgm };

/** The embedded database in `dataDir`, with every acknowledged commit flushed to disk. */
export function openPglite(dataDir: string, options: Omit<PGliteOptions, "dataDir" | "fs"> = {}): PGlite {
  return new PGlite({
    ...options,
    extensions: PGLITE_EXTENSIONS,
    fs: new DurableNodeFS(dataDir),
    startParams: DURABLE_START_PARAMS,
  });
}
