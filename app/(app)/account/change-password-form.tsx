"use client";

import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import type { z } from "zod";
import { Form, FormActions, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { changePasswordFormSchema } from "@/lib/password";

const { TextField, NewPasswordFields } = formFields<z.input<typeof changePasswordFormSchema>>();

function changedNotice(otherSessionsEnded: number) {
  if (otherSessionsEnded === 0) return "Password changed.";
  const sessions = otherSessionsEnded === 1 ? "1 other session was" : `${otherSessionsEnded} other sessions were`;
  return `Password changed. ${sessions} signed out.`;
}

/** The signed-in user's own password: the current one, then the new one twice. */
export function ChangePasswordForm() {
  const trpc = useTRPC();
  const change = useMutation(trpc.access.changePassword.mutationOptions());
  const form = useZodForm(changePasswordFormSchema, {
    defaultValues: { currentPassword: "", newPassword: "", confirm: "" },
  });

  async function onSubmit({ currentPassword, newPassword }: z.output<typeof changePasswordFormSchema>) {
    const { otherSessionsEnded } = await change.mutateAsync({ currentPassword, newPassword });
    form.reset();
    toast.success(changedNotice(otherSessionsEnded));
  }

  return (
    <Form
      form={form}
      onSubmit={onSubmit}
      aria-labelledby="change-password-heading"
      className="card mt-6 space-y-4 p-5 sm:p-6"
      header={
        <div>
          <h2 id="change-password-heading" className="text-lg font-semibold">
            Change password
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Every other device or browser signed in as you is signed out; this one stays signed in.
          </p>
        </div>
      }
    >
      <TextField name="currentPassword" label="Current password" type="password" autoComplete="current-password" />
      <NewPasswordFields name="newPassword" label="New password" repeatLabel="Repeat new password" />
      <FormActions submit="Change password" busy="Changing…" pending={change.isPending} />
    </Form>
  );
}
