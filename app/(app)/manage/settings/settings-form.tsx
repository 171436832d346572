"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import type { z } from "zod";
import { Form, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { SETTING_NAMES, SETTINGS, updateSettingsSchema, type Settings } from "@/lib/settings";

type Values = z.input<typeof updateSettingsSchema>;
const { TextField, CheckboxField } = formFields<Values>();

/** The form's values for `settings`: a number as the text of its box, on or off as a checkbox's state. */
const formValues = (settings: Settings) =>
  Object.fromEntries(
    SETTING_NAMES.map((name) => [name, typeof settings[name] === "boolean" ? settings[name] : String(settings[name])]),
  );
const GROUPS = [...new Set(SETTING_NAMES.map((name) => SETTINGS[name].group))];

/** Each setting of lib/settings.ts as a field with its unit and help; saved together, audited one by one. */
export function SettingsForm({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const router = useRouter();
  const update = useMutation(trpc.settings.update.mutationOptions());
  const form = useZodForm(updateSettingsSchema, {
    defaultValues: formValues(settings),
  });

  async function onSubmit(values: z.output<typeof updateSettingsSchema>) {
    const saved = await update.mutateAsync(values);
    form.reset(formValues(saved));
    toast.success("Settings saved");
    router.refresh();
  }

  return (
    <Form form={form} onSubmit={onSubmit} className="card mt-6 space-y-5 p-5" aria-label="Settings">
      {GROUPS.map((group) => (
        <fieldset key={group} className="space-y-4">
          <legend className="font-semibold">{group}</legend>
          {SETTING_NAMES.filter((name) => SETTINGS[name].group === group).map((name) =>
            typeof settings[name] === "boolean" ? (
              <CheckboxField
                key={name}
                id={`setting-${name}`}
                name={name}
                label={SETTINGS[name].label}
                hint={SETTINGS[name].help}
              />
            ) : (
              <TextField
                key={name}
                id={`setting-${name}`}
                name={name}
                label={`${SETTINGS[name].label} (${SETTINGS[name].unit})`}
                hint={SETTINGS[name].help}
                inputMode="numeric"
                className="max-w-40"
              />
            ),
          )}
        </fieldset>
      ))}
      <div className="flex justify-end">
        <button type="submit" className="btn-primary" disabled={update.isPending || !form.formState.isDirty}>
          {update.isPending ? "Saving…" : "Save settings"}
        </button>
      </div>
    </Form>
  );
}
