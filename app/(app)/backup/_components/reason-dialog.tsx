"use client";

import { useMemo, useRef, type ReactNode } from "react";
import { z } from "zod";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { Form, formFields, useZodForm } from "@/app/_components/field";

type Values = { text: string };
const { TextAreaField } = formFields<Values>();

/**
 * A step that needs words (a rejection's reason, how an incident was resolved): a dialog whose one field is
 * checked by `rule`, the same zod rule the server applies to it. A refusal stays in the dialog.
 */
export function ReasonDialog({
  open,
  title,
  label,
  confirmLabel,
  danger,
  rule,
  children,
  onSubmit,
  onClose,
}: {
  open: boolean;
  title: string;
  label: string;
  confirmLabel: string;
  danger?: boolean;
  rule: z.ZodType<string, string>;
  children?: ReactNode;
  /** Takes the step; what it throws is shown in the dialog. */
  onSubmit: (text: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const schema = useMemo(() => z.object({ text: rule }), [rule]);
  const form = useZodForm(schema, { defaultValues: { text: "" } });
  // The dialog's own button submits the form, as it does for every dialog with a field.
  const formRef = useRef<HTMLFormElement>(null);

  function close() {
    form.reset();
    onClose();
  }

  return (
    <ConfirmDialog
      open={open}
      title={title}
      confirmLabel={confirmLabel}
      danger={danger}
      pending={form.formState.isSubmitting}
      onConfirm={() => formRef.current?.requestSubmit()}
      onCancel={close}
    >
      <Form
        ref={formRef}
        form={form}
        onSubmit={async ({ text }) => {
          await onSubmit(text);
          close();
        }}
        className="space-y-3"
      >
        {children}
        <TextAreaField id={`${title.replace(/\W+/g, "-").toLowerCase()}-text`} name="text" label={label} rows={3} />
      </Form>
    </ConfirmDialog>
  );
}
