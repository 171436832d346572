"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import type { z } from "zod";
import { Form, formFields, useZodForm } from "@/app/_components/field";
import { useCan } from "@/app/_components/writers-only";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { formatCalendarDate, toDateInput } from "@/lib/dates";
import { recallFormSchema, type RecallFormValues } from "@/lib/rotation";

const { TextField, TextAreaField } = formFields<RecallFormValues>();

/** What is recalled: one cartridge, or every cartridge of a job that is away from the site. */
type Subject = { tapeId: string } | { jobId: string };

/**
 * A cartridge's or a job's recalls for a restore: those in force, each cancellable, and the form that makes
 * a new one. A recalled cartridge is on the list to bring back until it is logged on site.
 */
export function RecallPanel({ subject, name }: { subject: Subject; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const canRecall = useCan("rotation.recall");
  const [open, setOpen] = useState(false);
  const recalls = useQuery(trpc.rotation.recalls.queryOptions(subject));
  const cancel = useMutation(trpc.rotation.cancelRecall.mutationOptions());
  const forJob = "jobId" in subject;

  async function changed() {
    await queryClient.invalidateQueries({ queryKey: trpc.rotation.recalls.queryKey() });
    router.refresh();
  }

  async function onCancel(id: string, barcode: string) {
    try {
      await cancel.mutateAsync({ id });
      toast.success(`Recall of ${barcode} cancelled`);
      await changed();
    } catch (error) {
      toast.error(errorMessage(error));
    }
  }

  return (
    <section aria-labelledby="recalls-title" className="mt-6">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="recalls-title" className="text-lg font-semibold">
          Recalls for a restore
        </h2>
        {canRecall && !open && (
          <button type="button" className="btn-secondary" onClick={() => setOpen(true)}>
            {forJob ? "Recall this job's cartridges" : "Recall for a restore"}
          </button>
        )}
      </div>
      {open && (
        <RecallForm
          subject={subject}
          name={name}
          onDone={async (recalled) => {
            setOpen(false);
            if (recalled) await changed();
          }}
        />
      )}
      <div className="card mt-2 p-4 text-sm" data-testid="recalls">
        {recalls.isPending && <p className="text-slate-500">Loading recalls…</p>}
        {recalls.isError && <p role="alert">Could not load recalls: {errorMessage(recalls.error)}</p>}
        {recalls.data?.length === 0 && <p className="text-slate-500">No recall in force.</p>}
        {recalls.data && recalls.data.length > 0 && (
          <ul className="divide-y divide-slate-100">
            {recalls.data.map((recall) => (
              <li key={recall.id} className="flex flex-wrap items-start justify-between gap-2 py-2">
                <div>
                  <p className="font-medium">
                    {forJob && <span className="font-mono">{recall.barcode} · </span>}
                    needed by {formatCalendarDate(recall.neededBy)}
                  </p>
                  <p className="text-slate-600">{recall.reason}</p>
                  <p className="text-xs text-slate-500">
                    Requested by {recall.requestedByName}
                    {recall.jobName && ` for ${recall.jobName}`}
                  </p>
                </div>
                {canRecall && (
                  <button
                    type="button"
                    className="btn-secondary"
                    disabled={cancel.isPending}
                    onClick={() => void onCancel(recall.id, recall.barcode)}
                  >
                    Cancel recall
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function RecallForm({
  subject,
  name,
  onDone,
}: {
  subject: Subject;
  name: string;
  onDone: (recalled: boolean) => Promise<void>;
}) {
  const trpc = useTRPC();
  const recallTape = useMutation(trpc.rotation.recallTape.mutationOptions());
  const recallJob = useMutation(trpc.rotation.recallJob.mutationOptions());
  const [today] = useState(() => toDateInput(new Date()));
  const form = useZodForm(recallFormSchema, { defaultValues: { reason: "", neededBy: today } });
  const pending = recallTape.isPending || recallJob.isPending;

  async function onSubmit(checked: z.output<typeof recallFormSchema>) {
    const values = { reason: checked.reason, neededBy: toDateInput(checked.neededBy) };
    if ("tapeId" in subject) {
      await recallTape.mutateAsync({ ...values, tapeId: subject.tapeId });
      toast.success(`${name} recalled: it is on the list to bring back`);
    } else {
      const result = await recallJob.mutateAsync({ ...values, jobId: subject.jobId });
      const skipped = result.skipped.map((tape) => tape.reason).join("; ");
      toast.success(`Recalled ${result.recalled.join(", ")}${skipped ? `. Not recalled: ${skipped}` : ""}`);
    }
    await onDone(true);
  }

  return (
    <Form form={form} onSubmit={onSubmit} className="card mt-2 space-y-4 p-4" aria-label="Recall for a restore">
      <div className="grid gap-4 sm:grid-cols-[1fr_12rem]">
        <TextAreaField id="recall-reason" name="reason" label="What it is needed for" rows={2} />
        <TextField id="recall-needed-by" name="neededBy" label="Needed by" type="date" min={today} />
      </div>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={() => void onDone(false)}>
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Recalling…" : "Recall"}
        </button>
      </div>
    </Form>
  );
}
