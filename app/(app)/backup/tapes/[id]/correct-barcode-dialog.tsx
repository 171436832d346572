"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { Field } from "@/app/_components/field";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { correctBarcodeSchema, type CorrectBarcodeInput } from "@/lib/tapes";

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
  const form = useForm<CorrectBarcodeInput>({
    resolver: zodResolver(correctBarcodeSchema),
    defaultValues: { id: tape.id, barcode: "" },
  });
  const error = form.formState.errors.barcode?.message;

  const submit = form.handleSubmit(async (input) => {
    try {
      const corrected = await correct.mutateAsync(input);
      void queryClient.invalidateQueries({ queryKey: trpc.tapes.pathKey() });
      toast.success(`Barcode corrected: ${tape.barcode} → ${corrected.barcode}`);
      form.reset();
      onClose();
      router.refresh();
    } catch {
      // The mutation keeps the error; the dialog shows it.
    }
  });

  function cancel() {
    correct.reset();
    form.reset();
    onClose();
  }

  return (
    <ConfirmDialog
      open={open}
      title={`Correct barcode ${tape.barcode}`}
      confirmLabel="Correct barcode"
      pending={form.formState.isSubmitting}
      error={correct.error ? errorMessage(correct.error) : null}
      onConfirm={() => void submit()}
      onCancel={cancel}
    >
      <form onSubmit={(event) => void submit(event)} noValidate className="space-y-3">
        <p>
          The cartridge keeps its locations, custody events and jobs; its history records the barcode before and after.
        </p>
        <Field
          id="corrected-barcode"
          label="Corrected barcode"
          hint={
            tape.nonStandardLabel
              ? "The non-standard label as printed, or the standard LTO label the cartridge really has."
              : "The LTO label as printed on the cartridge, e.g. 000123L9."
          }
          error={error}
        >
          <input
            id="corrected-barcode"
            {...form.register("barcode")}
            className="input font-mono uppercase"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            aria-invalid={!!error}
            aria-describedby={error ? "corrected-barcode-error" : "corrected-barcode-hint"}
          />
        </Field>
      </form>
    </ConfirmDialog>
  );
}
