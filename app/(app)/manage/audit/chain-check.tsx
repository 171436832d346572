"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState, type ChangeEvent } from "react";
import { Moment } from "@/app/_components/time-zone";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import type { AuditCheckpoint } from "@/server/audit/chain";
import { CheckpointDownload } from "./checkpoint-download";

const PROBLEM_TITLE = {
  changed: "an entry was changed",
  deleted: "entries were deleted",
  inserted: "an entry was added",
  truncated: "the newest entries were deleted",
  key: "sealed with another key",
} as const;

/** A checkpoint file as chosen; the server checks its fields and its signature. */
type Chosen = { name: string; checkpoint: AuditCheckpoint } | { name: string; error: string };

async function readCheckpoint(file: File): Promise<Chosen> {
  try {
    return { name: file.name, checkpoint: JSON.parse(await file.text()) as AuditCheckpoint };
  } catch {
    return { name: file.name, error: "This file is not a checkpoint (it is not JSON)." };
  }
}

export function ChainCheck() {
  const trpc = useTRPC();
  const fileInput = useId();
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const checkpoint = chosen && "checkpoint" in chosen ? chosen.checkpoint : undefined;
  // A check reads the whole log: run it when asked (and on opening the page), never in the background.
  const check = useQuery({
    ...trpc.audit.verifyChain.queryOptions(checkpoint ? { checkpoint } : undefined),
    enabled: !(chosen && "error" in chosen),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const report = check.data;

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setChosen(file ? await readCheckpoint(file) : null);
  }

  return (
    <section className="card mt-6 p-5" data-testid="chain-check">
      <div aria-live="polite">
        {chosen && "error" in chosen ? (
          <p className="text-sm text-red-700" role="alert">
            {chosen.name}: {chosen.error}
          </p>
        ) : check.isFetching ? (
          <p className="text-sm text-slate-600">Checking every entry of the audit log…</p>
        ) : check.isError ? (
          <p className="text-sm text-red-700" role="alert">
            The check could not run: {errorMessage(check.error)}
          </p>
        ) : report?.intact && report.entries === 0 && !report.checkpoint ? (
          <div>
            <p className="text-lg font-semibold text-slate-800">Empty</p>
            <p className="mt-1 text-sm text-slate-700">
              The audit log has no entries. Only a checkpoint can show whether it had some that were deleted.
            </p>
          </div>
        ) : report?.intact ? (
          <div>
            <p className="text-lg font-semibold text-emerald-800">Intact</p>
            <p className="mt-1 text-sm text-slate-700">
              {report.entries.toLocaleString("en-GB")} {report.entries === 1 ? "entry" : "entries"} checked; none was
              changed, deleted or added outside the app.
            </p>
            {report.checkpoint ? (
              <p className="mt-1 text-sm text-slate-700">
                The log still reaches entry #{report.checkpoint.seq} of the checkpoint of{" "}
                <Moment value={report.checkpoint.createdAt} />, unchanged.
              </p>
            ) : (
              <p className="mt-1 text-sm text-slate-600">
                Without a checkpoint this cannot show whether the newest entries were deleted together with the chain
                head: check against one you kept.
              </p>
            )}
            {!report.keyed && (
              <p className="mt-1 text-sm text-amber-800">
                The log is not sealed with the audit key yet; the next change seals it.
              </p>
            )}
            <p className="mt-3 text-xs text-slate-600">
              Chain head #{report.head.seq}: <code className="break-all">{report.head.hash}</code>
            </p>
          </div>
        ) : report ? (
          <div role="alert">
            <p className="text-lg font-semibold text-red-800">Not intact: {PROBLEM_TITLE[report.problem.kind]}</p>
            <p className="mt-1 text-sm text-slate-700">{report.problem.message}</p>
            <p className="mt-1 text-sm text-slate-600">
              The {report.entries.toLocaleString("en-GB")} entries before it are intact. Restore the database from a
              backup taken before the change, or keep this one as evidence.
            </p>
          </div>
        ) : null}
      </div>

      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button
          type="button"
          className="btn-secondary"
          onClick={() => void check.refetch()}
          disabled={check.isFetching || !!(chosen && "error" in chosen)}
        >
          Check again
        </button>
        <label htmlFor={fileInput} className="text-sm font-medium">
          Check against a checkpoint
        </label>
        <input
          id={fileInput}
          type="file"
          accept="application/json,.json"
          className="max-w-full text-sm"
          onChange={(event) => void choose(event)}
        />
        {chosen && (
          <button type="button" className="btn-secondary" onClick={() => setChosen(null)}>
            Check without it
          </button>
        )}
      </div>
      <CheckpointDownload />
    </section>
  );
}
