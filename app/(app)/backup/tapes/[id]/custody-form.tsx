"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { z } from "zod";
import { Form, FormActions, formFields, useZodForm } from "@/app/_components/field";
import { SignatureField } from "@/app/_components/signature-field";
import { useTRPC } from "@/app/_trpc/client";
import { toDateTimeLocal } from "@/lib/dates";
import { recordCustodySchema } from "@/lib/tapes";

const SIGN = "The person receiving the cartridge must sign";
// A hand-off recorded here is signed on the spot, so the signature the event may carry is required.
const formSchema = recordCustodySchema.omit({ tapeId: true }).extend({
  signature: z.string({ message: SIGN }).min(1, SIGN).pipe(recordCustodySchema.shape.signature.unwrap()),
});
type Values = z.input<typeof formSchema>;
const { TextField, TextAreaField } = formFields<Values>();

export function CustodyForm({ tapeId, onDone }: { tapeId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const record = useMutation(trpc.custody.record.mutationOptions());
  const [now] = useState(() => toDateTimeLocal(new Date()));
  const form = useZodForm(formSchema, { defaultValues: { occurredAt: now } });

  async function onSubmit(values: z.output<typeof formSchema>) {
    await record.mutateAsync({ ...values, tapeId });
    router.refresh();
    onDone();
  }

  return (
    <Form form={form} onSubmit={onSubmit} className="space-y-4" aria-label="Record custody event">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField id="custody-from" name="fromParty" label="From" />
        <TextField id="custody-to" name="toParty" label="To" />
        <TextField id="custody-signer" name="signerName" label="Signer name" autoComplete="name" />
        <TextField id="custody-when" name="occurredAt" label="When" type="datetime-local" />
        <TextField id="custody-container" name="containerId" label="Container / case (optional)" />
        <TextField id="custody-seal" name="sealNumber" label="Tamper-seal number (optional)" />
      </div>
      <SignatureField
        id="custody-signature"
        label="Signature"
        onChange={(png) => form.setValue("signature", png ?? "", { shouldValidate: form.formState.isSubmitted })}
        error={form.formState.errors.signature?.message}
      />
      <TextAreaField id="custody-notes" name="notes" label="Notes" rows={2} />
      <FormActions submit="Save hand-off" pending={record.isPending} onCancel={onDone} />
    </Form>
  );
}
