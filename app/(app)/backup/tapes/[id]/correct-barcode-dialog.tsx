"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { Form, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { correctBarcodeSchema, type CorrectBarcodeInput } from "@/lib/tapes";

const { TextField } = formFields<CorrectBarcodeInput>();

/**
 * An administrator corrects a mistyped barcode in place, instead of deleting the cartridge and its history
 * and registering it again. The server refuses a barcode that is taken or not valid for the cartridge.
 */
export function CorrectBarcodeDialog({
  tape,
  open,
  onClose,
}: {
  tape: { id: string; barcode: string; nonStandardLabel: boolean };
  open: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const correct = useMutation(trpc.tapes.correctBarcode.mutationOptions());
  const form = useZodForm(correctBarcodeSchema, { defaultValues: { id: tape.id, barcode: "" } });
  // The dialog's own button submits the form, as Enter in the field does.
  const formRef = useRef<HTMLFormElement>(null);

  async function onSubmit(input: CorrectBarcodeInput) {
    const corrected = await correct.mutateAsync(input);
    void queryClient.invalidateQueries({ queryKey: trpc.tapes.pathKey() });
    toast.success(`Barcode corrected: ${tape.barcode} → ${corrected.barcode}`);
    form.reset();
    onClose();
    router.refresh();
  }

  function cancel() {
    form.reset();
    onClose();
  }

  return (
    <ConfirmDialog
      open={open}
      title={`Correct barcode ${tape.barcode}`}
      confirmLabel="Correct barcode"
      pending={form.formState.isSubmitting}
      onConfirm={() => formRef.current?.requestSubmit()}
      onCancel={cancel}
    >
      <Form ref={formRef} form={form} onSubmit={onSubmit} className="space-y-3">
        <p>
          The cartridge keeps its locations, custody events and jobs; its history records the barcode before and after.
        </p>
        <TextField
          id="corrected-barcode"
          name="barcode"
          label="Corrected barcode"
          hint={
            tape.nonStandardLabel
              ? "The non-standard label as printed, or the standard LTO label the cartridge really has."
              : "The LTO label as printed on the cartridge, e.g. 000123L9."
          }
          className="font-mono uppercase"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
        />
      </Form>
    </ConfirmDialog>
  );
}
