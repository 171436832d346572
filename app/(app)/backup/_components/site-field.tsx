"use client";

import { useController, type FieldPath, type FieldValues } from "react-hook-form";
import { Field } from "@/app/_components/field";
import { SitePicker } from "@/app/_components/site-picker";
import type { SiteOption } from "@/lib/sites";
import { SITE_KIND_LABEL } from "@/lib/vocabulary";

/** A form's site, chosen with the site picker, its kind and label code shown once chosen. */
export function SiteField<Values extends FieldValues>({
  id,
  name,
  label,
  sites,
}: {
  id: string;
  name: FieldPath<Values>;
  label: string;
  sites: SiteOption[] | undefined;
}) {
  const { field, fieldState } = useController<Values>({ name });
  const chosen = sites?.find((site) => site.id === field.value);
  const error = fieldState.error?.message;
  return (
    <Field
      id={id}
      label={label}
      error={error}
      hint={chosen ? `${SITE_KIND_LABEL[chosen.kind]} · ${chosen.code}` : undefined}
    >
      <SitePicker
        id={id}
        sites={sites}
        value={field.value}
        onChange={(site) => field.onChange(site?.id ?? "")}
        invalid={!!error}
        describedBy={error ? `${id}-error` : chosen ? `${id}-hint` : undefined}
      />
    </Field>
  );
}
