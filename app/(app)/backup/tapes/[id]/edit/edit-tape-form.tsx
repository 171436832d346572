"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { z } from "zod";
import { Form, FormActions, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { capacityGbText, capacityGbTextSchema, tagsTextSchema, updateTapeSchema } from "@/lib/tapes";
import { SETTABLE_TAPE_STATUS_LABEL, TAPE_STATUS_LABEL } from "@/lib/vocabulary";

const formSchema = updateTapeSchema.extend({ nativeCapacityBytes: capacityGbTextSchema, tags: tagsTextSchema });
type Values = z.input<typeof formSchema>;
const { TextField, TextAreaField, SelectField } = formFields<Values>();

export function EditTapeForm({
  tape,
}: {
  tape: {
    id: string;
    barcode: string;
    status: keyof typeof TAPE_STATUS_LABEL;
    nativeCapacityBytes: bigint | null;
    tags: string[];
    notes: string | null;
  };
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const update = useMutation(trpc.tapes.update.mutationOptions());
  const form = useZodForm(formSchema, {
    defaultValues: {
      status: tape.status === "destroyed" ? undefined : tape.status,
      nativeCapacityBytes: capacityGbText(tape.nativeCapacityBytes),
      tags: tape.tags.join(", "),
      notes: tape.notes ?? "",
    },
  });

  async function onSubmit(data: z.output<typeof formSchema>) {
    await update.mutateAsync({ id: tape.id, data });
    router.push(`/backup/tapes/${tape.id}`);
    router.refresh();
  }

  return (
    <Form form={form} onSubmit={onSubmit} className="card mt-6 space-y-5 p-5 sm:p-6">
      <div className="grid gap-4 sm:grid-cols-2">
        {tape.status === "destroyed" ? (
          <p className="text-sm text-slate-600">Destroyed: its status stays as the destruction recorded it.</p>
        ) : (
          <SelectField name="status" label="Status" options={SETTABLE_TAPE_STATUS_LABEL} />
        )}
        <TextField id="capacity" name="nativeCapacityBytes" label="Native capacity (GB)" inputMode="decimal" />
      </div>
      <TextField name="tags" label="Usage tags" hint="Separate tags with commas." />
      <TextAreaField name="notes" label="Notes" rows={3} />
      <FormActions
        submit="Save changes"
        pending={update.isPending}
        onCancel={() => router.push(`/backup/tapes/${tape.id}`)}
      />
    </Form>
  );
}
