"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import type { z } from "zod";
import { Form, formFields, FormActions, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { notificationSettingsSchema, type NotificationSettings } from "@/lib/reminders";

const { CheckboxField } = formFields<z.input<typeof notificationSettingsSchema>>();

/** The user's own daily digest, on or off; the change is recorded in the audit log. */
export function NotificationsForm({ dailyDigest }: { dailyDigest: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const set = useMutation(trpc.notifications.set.mutationOptions());
  const form = useZodForm(notificationSettingsSchema, { defaultValues: { dailyDigest } });

  async function onSubmit(values: NotificationSettings) {
    const saved = await set.mutateAsync(values);
    form.reset(saved);
    toast.success(saved.dailyDigest ? "Daily digest turned on" : "Daily digest turned off");
    router.refresh();
  }

  return (
    <Form form={form} onSubmit={onSubmit} aria-label="Notification settings" className="card mt-4 space-y-4 p-5 sm:p-6">
      <CheckboxField
        name="dailyDigest"
        label="Send me the daily digest"
        hint="One e-mail a day, only when something needs attention."
      />
      <FormActions submit="Save" pending={set.isPending} />
    </Form>
  );
}
