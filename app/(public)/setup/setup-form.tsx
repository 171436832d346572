"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/app/_client/auth-client";
import { Field, FormError } from "@/app/_components/field";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { PASSWORD_RULE_TEXT } from "@/lib/password";
import { firstAdminSchema } from "@/lib/users";

type Errors = Partial<Record<"name" | "email" | "password" | "confirm" | "setupCode", string>>;

export function SetupForm({ codeRequired }: { codeRequired: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation(trpc.setup.createFirstAdmin.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      setupCode: codeRequired ? String(form.get("setupCode") ?? "") : undefined,
    };
    const parsed = firstAdminSchema.safeParse(values);
    const next: Errors = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) next[issue.path[0] as keyof Errors] ??= issue.message;
    }
    if (values.password !== form.get("confirm")) next.confirm = "The passwords do not match";
    if (codeRequired && !values.setupCode?.trim()) next.setupCode = "Enter the setup code from the server's log";
    setErrors(next);
    setFormError(null);
    if (!parsed.success || Object.keys(next).length > 0) return;

    try {
      await create.mutateAsync(parsed.data);
    } catch (error) {
      setFormError(errorMessage(error));
      return;
    }
    const { error } = await authClient.signIn.email({ email: parsed.data.email, password: parsed.data.password });
    if (error) {
      router.replace("/sign-in");
      return;
    }
    router.replace("/backup");
    router.refresh();
  }

  const invalid = (field: keyof Errors) =>
    errors[field] ? { "aria-invalid": true, "aria-describedby": `${field}-error` } : {};

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={formError} />
      <Field id="name" label="Full name" error={errors.name}>
        <input id="name" name="name" autoComplete="name" className="input" autoFocus {...invalid("name")} />
      </Field>
      <Field id="email" label="Email" error={errors.email}>
        <input id="email" name="email" type="email" autoComplete="username" className="input" {...invalid("email")} />
      </Field>
      <Field id="password" label="Password" hint={PASSWORD_RULE_TEXT} error={errors.password}>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          className="input"
          {...invalid("password")}
        />
      </Field>
      <Field id="confirm" label="Repeat password" error={errors.confirm}>
        <input
          id="confirm"
          name="confirm"
          type="password"
          autoComplete="new-password"
          className="input"
          {...invalid("confirm")}
        />
      </Field>
      {codeRequired && (
        <Field
          id="setupCode"
          label="Setup code"
          hint="You are not on the server's own machine, so prove you run it: the one-time code is printed in the log of the terminal where the server was started (npm start), after 'setup code'."
          error={errors.setupCode}
        >
          <input
            id="setupCode"
            name="setupCode"
            autoComplete="off"
            className="input font-mono uppercase"
            placeholder="ABCD-EFGH"
            {...invalid("setupCode")}
          />
        </Field>
      )}
      <button type="submit" className="btn-primary w-full" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create administrator and sign in"}
      </button>
    </form>
  );
}
