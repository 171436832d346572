"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toDateTimeLocal } from "@/lib/dates";
import { Field, FormError } from "@/app/_components/field";
import { SignatureField } from "@/app/_components/signature-field";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { recordCustodySchema } from "@/lib/tapes";

export function CustodyForm({ tapeId, onDone }: { tapeId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const record = useMutation(trpc.custody.record.mutationOptions());
  const [signature, setSignature] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [now] = useState(() => toDateTimeLocal(new Date()));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
    const input = {
      ...form,
      tapeId,
      signature: signature ?? undefined,
      occurredAt: form.occurredAt ? new Date(form.occurredAt) : undefined,
    } as Parameters<typeof record.mutateAsync>[0];
    const parsed = recordCustodySchema.safeParse(input);
    const next: Record<string, string> = {};
    if (!parsed.success) for (const issue of parsed.error.issues) next[String(issue.path[0])] ??= issue.message;
    if (!signature) next.signature = "The person receiving the cartridge must sign";
    setErrors(next);
    if (!parsed.success || Object.keys(next).length > 0) return;
    setFormError(null);
    try {
      await record.mutateAsync(input);
      router.refresh();
      onDone();
    } catch (error) {
      setFormError(errorMessage(error));
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Record custody event">
      <FormError message={formError} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="custody-from" label="From" error={errors.fromParty}>
          <input id="custody-from" name="fromParty" className="input" />
        </Field>
        <Field id="custody-to" label="To" error={errors.toParty}>
          <input id="custody-to" name="toParty" className="input" />
        </Field>
        <Field id="custody-signer" label="Signer name" error={errors.signerName}>
          <input id="custody-signer" name="signerName" className="input" autoComplete="name" />
        </Field>
        <Field id="custody-when" label="When" error={errors.occurredAt}>
          <input id="custody-when" name="occurredAt" type="datetime-local" className="input" defaultValue={now} />
        </Field>
        <Field id="custody-container" label="Container / case (optional)" error={errors.containerId}>
          <input id="custody-container" name="containerId" className="input" />
        </Field>
        <Field id="custody-seal" label="Tamper-seal number (optional)" error={errors.sealNumber}>
          <input id="custody-seal" name="sealNumber" className="input" />
        </Field>
      </div>
      <SignatureField id="custody-signature" label="Signature" onChange={setSignature} error={errors.signature} />
      <Field id="custody-notes" label="Notes" error={errors.notes}>
        <textarea id="custody-notes" name="notes" rows={2} className="input" />
      </Field>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={record.isPending}>
          {record.isPending ? "Saving…" : "Save hand-off"}
        </button>
      </div>
    </form>
  );
}
