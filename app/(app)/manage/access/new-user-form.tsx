"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Field, FormError } from "@/app/_components/field";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { PASSWORD_RULE_TEXT } from "@/lib/password";
import { newUserSchema } from "@/lib/users";
import { ROLE_LABEL, ROLES } from "@/lib/vocabulary";

type Errors = Partial<Record<"name" | "email" | "password" | "role", string>>;

export function NewUserForm({ onDone }: { onDone: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation(
    trpc.access.createUser.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.access.listUsers.queryKey() }),
    }),
  );

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const parsed = newUserSchema.safeParse(Object.fromEntries(form));
    const next: Errors = {};
    if (!parsed.success) for (const issue of parsed.error.issues) next[issue.path[0] as keyof Errors] ??= issue.message;
    setErrors(next);
    setFormError(null);
    if (!parsed.success) return;
    try {
      await create.mutateAsync(parsed.data);
      formElement.reset();
      onDone(`${parsed.data.name} can now sign in as ${parsed.data.email}.`);
    } catch (error) {
      setFormError(errorMessage(error));
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="card mt-4 space-y-4 p-5" aria-labelledby="new-user-title">
      <h2 id="new-user-title" className="text-base font-semibold">
        Add a user
      </h2>
      <FormError message={formError} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="new-name" label="Full name" error={errors.name}>
          <input id="new-name" name="name" className="input" aria-invalid={!!errors.name} />
        </Field>
        <Field id="new-email" label="Email" error={errors.email}>
          <input id="new-email" name="email" type="email" className="input" aria-invalid={!!errors.email} />
        </Field>
        <Field id="new-role" label="Role" error={errors.role}>
          <select id="new-role" name="role" className="input" defaultValue="staff">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABEL[role]}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="new-password"
          label="Initial password"
          hint={`${PASSWORD_RULE_TEXT} Give it to the user in person.`}
          error={errors.password}
        >
          <input
            id="new-password"
            name="password"
            type="password"
            autoComplete="new-password"
            className="input"
            aria-invalid={!!errors.password}
          />
        </Field>
      </div>
      <div className="flex justify-end">
        <button type="submit" className="btn-primary" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add user"}
        </button>
      </div>
    </form>
  );
}
