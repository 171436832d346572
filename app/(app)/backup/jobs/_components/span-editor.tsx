"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { SpanList, type SpanTape } from "./span-list";
import { TapePicker } from "./tape-picker";

type Status = { kind: "saving" | "saved" } | { kind: "error"; message: string } | null;

/**
 * Reorders, adds and removes a job's cartridges, saving each change at once. Changes made while one is
 * being saved are sent after it, newest only, so the server applies them in the order they were made.
 */
export function SpanEditor({ jobId, initial }: { jobId: string; initial: SpanTape[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setSpan = useMutation(trpc.jobs.setSpan.mutationOptions());
  const [tapes, setTapes] = useState(initial);
  const [status, setStatus] = useState<Status>(null);
  const wanted = useRef(initial);
  const saved = useRef(initial);
  const saving = useRef(false);

  async function save() {
    if (saving.current) return;
    saving.current = true;
    setStatus({ kind: "saving" });
    try {
      while (saved.current !== wanted.current) {
        const target = wanted.current;
        await setSpan.mutateAsync({ jobId, tapeIds: target.map((tape) => tape.id) });
        saved.current = target;
      }
      setStatus({ kind: "saved" });
      void queryClient.invalidateQueries({ queryKey: trpc.audit.list.pathKey() });
    } catch (error) {
      wanted.current = saved.current;
      setTapes(saved.current);
      setStatus({ kind: "error", message: errorMessage(error) });
    } finally {
      saving.current = false;
    }
  }

  function change(next: SpanTape[]) {
    wanted.current = next;
    setTapes(next);
    void save();
  }

  return (
    <div className="space-y-3">
      <SpanList tapes={tapes} onChange={change} linkTapes />
      <div>
        <label htmlFor="addTape" className="label">
          Add a cartridge
        </label>
        <TapePicker
          id="addTape"
          picked={tapes.map((tape) => tape.id)}
          onPick={(tape) => {
            if (!wanted.current.some((existing) => existing.id === tape.id)) change([...wanted.current, tape]);
          }}
        />
      </div>
      {status?.kind === "error" ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          The span was not saved: {status.message}
        </p>
      ) : (
        <p role="status" className="text-sm text-slate-500" data-testid="span-status">
          {status?.kind === "saving" ? "Saving…" : status?.kind === "saved" ? "Span saved." : ""}
        </p>
      )}
    </div>
  );
}
