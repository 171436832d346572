"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import type { z } from "zod";
import { Form, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { SETTING_NAMES, SETTINGS, updateSettingsSchema, type Settings } from "@/lib/settings";

type Values = z.input<typeof updateSettingsSchema>;
const { TextField } = formFields<Values>();

/** Each setting of lib/settings.ts as a field with its unit and help; saved together, audited one by one. */
export function SettingsForm({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const router = useRouter();
  const update = useMutation(trpc.settings.update.mutationOptions());
  const form = useZodForm(updateSettingsSchema, {
    defaultValues: Object.fromEntries(SETTING_NAMES.map((name) => [name, String(settings[name])])),
  });

  async function onSubmit(values: z.output<typeof updateSettingsSchema>) {
    const saved = await update.mutateAsync(values);
    form.reset(Object.fromEntries(SETTING_NAMES.map((name) => [name, String(saved[name])])));
    toast.success("Settings saved");
    router.refresh();
  }

  return (
    <Form form={form} onSubmit={onSubmit} className="card mt-6 space-y-5 p-5" aria-label="Settings">
      <fieldset className="space-y-4">
        <legend className="font-semibold">Rotation</legend>
        {SETTING_NAMES.map((name) => (
          <TextField
            key={name}
            id={`setting-${name}`}
            name={name}
            label={`${SETTINGS[name].label} (${SETTINGS[name].unit})`}
            hint={SETTINGS[name].help}
            inputMode="numeric"
            className="max-w-40"
          />
        ))}
      </fieldset>
      <div className="flex justify-end">
        <button type="submit" className="btn-primary" disabled={update.isPending || !form.formState.isDirty}>
          {update.isPending ? "Saving…" : "Save settings"}
        </button>
      </div>
    </Form>
  );
}
