"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { TRPCClientError } from "@trpc/client";
import type { ComponentProps, ReactNode } from "react";
import {
  FormProvider,
  get,
  useForm,
  useFormContext,
  type RegisterOptions,
  type FieldPath,
  type FieldValues,
  type UseFormProps,
  type UseFormReturn,
} from "react-hook-form";
import type { z } from "zod";
import { errorMessage } from "@/app/_trpc/client";
import { PASSWORD_RULE_TEXT } from "@/lib/vocabulary";
import { Field, FormError } from "./field-frame";

export { Field, FormError };

/**
 * The one way a form is built: react-hook-form, validated by a zod schema from lib/ (the same one the server
 * checks), so a rule and its message are written once. The form's values are the schema's input; submitting
 * hands over its parsed output.
 */
export function useZodForm<Schema extends z.ZodType<unknown, FieldValues>>(
  schema: Schema,
  options: Omit<UseFormProps<z.input<Schema>, unknown, z.output<Schema>>, "resolver"> = {},
): UseFormReturn<z.input<Schema>, unknown, z.output<Schema>> {
  return useForm<z.input<Schema>, unknown, z.output<Schema>>({ ...options, resolver: zodResolver(schema) });
}

/**
 * A server's refusal, shown where it belongs: at the field it names (a rule about one input, such as a
 * cartridge that is no longer there), otherwise above the form.
 */
export function showServerError<Values extends FieldValues>(
  form: UseFormReturn<Values, unknown, unknown>,
  error: unknown,
) {
  const field = error instanceof TRPCClientError ? (error.data?.field as string | undefined) : undefined;
  const message = errorMessage(error);
  if (field && field in form.getValues()) form.setError(field as FieldPath<Values>, { message }, { shouldFocus: true });
  else form.setError("root.server", { message });
}

/**
 * A `<form>` bound to `form`: Enter submits, the browser's own validation stays out of the way of the
 * schema's messages, and an error thrown by `onSubmit` (the server's refusal) is shown by `showServerError`.
 */
export function Form<Values extends FieldValues, Output>({
  form,
  onSubmit,
  header,
  children,
  ...props
}: {
  form: UseFormReturn<Values, unknown, Output>;
  onSubmit: (values: Output) => unknown;
  /** Shown above the server's error, e.g. the form's heading. */
  header?: ReactNode;
} & Omit<ComponentProps<"form">, "onSubmit">) {
  const submit = form.handleSubmit(async (values) => {
    try {
      await onSubmit(values);
    } catch (error) {
      showServerError(form as UseFormReturn<Values, unknown, unknown>, error);
    }
  });
  return (
    <FormProvider {...form}>
      <form noValidate {...props} onSubmit={submit}>
        {header}
        <FormError message={form.formState.errors.root?.server?.message} />
        {children}
      </form>
    </FormProvider>
  );
}

/**
 * The message the schema or the server gave for `name`, and the attributes that bind and announce a control.
 * An `onChange` given runs after the form has taken the new value.
 */
function useBoundControl(
  name: string,
  id: string,
  hint?: string,
  className?: string,
  onChange?: RegisterOptions["onChange"],
) {
  const { register, formState } = useFormContext();
  const error = (get(formState.errors, name) as { message?: string } | undefined)?.message;
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return {
    error,
    control: {
      id,
      className: className ? `input ${className}` : "input",
      ...register(name, { onChange }),
      "aria-invalid": !!error,
      "aria-describedby": describedBy,
    },
  };
}

type BoundProps<Values extends FieldValues> = {
  name: FieldPath<Values>;
  label: string;
  /** The element id, when `name` alone would clash with another form on the page. */
  id?: string;
};

function TextField<Values extends FieldValues>({
  name,
  label,
  hint,
  id = name,
  className,
  onChange,
  ...input
}: BoundProps<Values> & { hint?: string } & Omit<ComponentProps<"input">, "name" | "id">) {
  const { error, control } = useBoundControl(name, id, hint, className, onChange);
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input {...input} {...control} />
    </Field>
  );
}

function TextAreaField<Values extends FieldValues>({
  name,
  label,
  id = name,
  ...textarea
}: BoundProps<Values> & Omit<ComponentProps<"textarea">, "name" | "id">) {
  const { error, control } = useBoundControl(name, id);
  return (
    <Field id={id} label={label} error={error}>
      <textarea {...textarea} {...control} />
    </Field>
  );
}

function SelectField<Values extends FieldValues>({
  name,
  label,
  id = name,
  options,
  placeholder,
  ...select
}: BoundProps<Values> & {
  options: Readonly<Record<string, string>>;
  /** The first, empty choice, when there is no sensible default. */
  placeholder?: string;
} & Omit<ComponentProps<"select">, "name" | "id" | "children">) {
  const { error, control } = useBoundControl(name, id);
  return (
    <Field id={id} label={label} error={error}>
      <select {...select} {...control}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {Object.entries(options).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A checkbox with its label and hint beside it; `onChange` runs after the form has taken the new value. */
function CheckboxField<Values extends FieldValues>({
  name,
  label,
  hint,
  id = name,
  onChange,
}: BoundProps<Values> & { hint?: string; onChange?: RegisterOptions["onChange"] }) {
  const { register } = useFormContext();
  return (
    <label className="flex items-start gap-2 text-sm">
      <input
        type="checkbox"
        id={id}
        {...register(name, { onChange })}
        className="mt-0.5"
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      <span>
        <span className="font-medium">{label}</span>
        {hint && (
          <span id={`${id}-hint`} className="block text-xs text-slate-500">
            {hint}
          </span>
        )}
      </span>
    </label>
  );
}

/**
 * A new password and the same typed again into `confirm`, for a schema made with `withRepeatedPassword`
 * (lib/password.ts); the password rule is the hint.
 */
function NewPasswordFields<Values extends FieldValues>({
  name,
  label,
  repeatLabel,
}: {
  name: FieldPath<Values>;
  label: string;
  repeatLabel: string;
}) {
  return (
    <>
      <TextField name={name} label={label} hint={PASSWORD_RULE_TEXT} type="password" autoComplete="new-password" />
      <TextField name="confirm" label={repeatLabel} type="password" autoComplete="new-password" />
    </>
  );
}

/**
 * The field components typed for one form's values, so a misspelt field name fails the type check:
 * `const { TextField } = formFields<z.input<typeof schema>>();` next to the form.
 */
export function formFields<Values extends FieldValues>() {
  return {
    TextField: TextField<Values>,
    TextAreaField: TextAreaField<Values>,
    SelectField: SelectField<Values>,
    CheckboxField: CheckboxField<Values>,
    NewPasswordFields: NewPasswordFields<Values>,
  };
}

/** A form's closing buttons: Cancel when there is somewhere to go back to, and submit, disabled while pending. */
export function FormActions({
  submit,
  busy = "Saving…",
  pending,
  onCancel,
}: {
  submit: string;
  /** What the submit button says while the change is on its way. */
  busy?: string;
  pending: boolean;
  onCancel?: () => void;
}) {
  return (
    <div className="flex justify-end gap-2">
      {onCancel && (
        <button type="button" className="btn-secondary" onClick={onCancel}>
          Cancel
        </button>
      )}
      <button type="submit" className="btn-primary" disabled={pending}>
        {pending ? busy : submit}
      </button>
    </div>
  );
}
