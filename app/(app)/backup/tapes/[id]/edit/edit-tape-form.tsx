"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field, FormError } from "@/app/_components/field";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { updateTapeSchema } from "@/lib/tapes";
import { TAPE_STATUS_LABEL } from "@/lib/vocabulary";

const GB = 1_000_000_000;
type Status = keyof typeof TAPE_STATUS_LABEL;

export function EditTapeForm({
  tape,
}: {
  tape: {
    id: string;
    barcode: string;
    status: Status;
    nativeCapacityBytes: bigint | null;
    tags: string[];
    notes: string | null;
  };
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const update = useMutation(trpc.tapes.update.mutationOptions());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const gb = String(form.get("capacity") ?? "").trim();
    const next: Record<string, string> = {};
    const capacity = gb === "" ? undefined : Number(gb);
    if (capacity !== undefined && (!Number.isFinite(capacity) || capacity <= 0))
      next.nativeCapacityBytes = "Capacity must be a positive number of GB";
    const data = {
      status: String(form.get("status")) as Status,
      nativeCapacityBytes:
        capacity !== undefined && !next.nativeCapacityBytes ? BigInt(Math.round(capacity * GB)) : undefined,
      tags: String(form.get("tags") ?? "")
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean),
      notes: String(form.get("notes") ?? ""),
    };
    const parsed = updateTapeSchema.safeParse(data);
    if (!parsed.success) for (const issue of parsed.error.issues) next[String(issue.path[0])] ??= issue.message;
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    setFormError(null);
    try {
      await update.mutateAsync({ id: tape.id, data });
      router.push(`/backup/tapes/${tape.id}`);
      router.refresh();
    } catch (error) {
      setFormError(errorMessage(error));
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="card mt-6 space-y-5 p-5 sm:p-6">
      <FormError message={formError} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="status" label="Status" error={errors.status}>
          <select id="status" name="status" className="input" defaultValue={tape.status}>
            {Object.entries(TAPE_STATUS_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field id="capacity" label="Native capacity (GB)" error={errors.nativeCapacityBytes}>
          <input
            id="capacity"
            name="capacity"
            inputMode="decimal"
            className="input"
            defaultValue={tape.nativeCapacityBytes ? String(Number(tape.nativeCapacityBytes) / GB) : ""}
          />
        </Field>
      </div>
      <Field id="tags" label="Usage tags" hint="Separate tags with commas." error={errors.tags}>
        <input id="tags" name="tags" className="input" defaultValue={tape.tags.join(", ")} />
      </Field>
      <Field id="notes" label="Notes" error={errors.notes}>
        <textarea id="notes" name="notes" rows={3} className="input" defaultValue={tape.notes ?? ""} />
      </Field>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={() => router.push(`/backup/tapes/${tape.id}`)}>
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={update.isPending}>
          {update.isPending ? "Saving…" : "Save changes"}
        </button>
      </div>
    </form>
  );
}
