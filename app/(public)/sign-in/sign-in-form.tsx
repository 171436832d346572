"use client";

import { useRouter, useSearchParams } from "next/navigation";
import type { z } from "zod";
import { authClient } from "@/app/_client/auth-client";
import { Form, formFields, useZodForm } from "@/app/_components/field";
import { signInSchema } from "@/lib/users";
import { pathAfterSignIn } from "./next-path";

const { TextField } = formFields<z.input<typeof signInSchema>>();

function signInError(error: { status?: number; message?: string }) {
  if (error.status === 429) return "Too many sign-in attempts. Wait a minute, then try again.";
  if (error.status === 401) return "Wrong email or password.";
  return error.message || "Sign-in failed. Try again.";
}

export function SignInForm() {
  const router = useRouter();
  const next = pathAfterSignIn(useSearchParams().get("next"));
  const form = useZodForm(signInSchema, { defaultValues: { email: "", password: "" } });

  async function onSubmit(credentials: z.output<typeof signInSchema>) {
    const { error } = await authClient.signIn.email(credentials);
    if (error) throw new Error(signInError(error));
    router.replace(next);
    router.refresh();
  }

  const pending = form.formState.isSubmitting || form.formState.isSubmitSuccessful;
  return (
    <Form form={form} onSubmit={onSubmit} className="space-y-4">
      <TextField name="email" label="Email" type="email" autoComplete="username" autoFocus />
      <TextField name="password" label="Password" type="password" autoComplete="current-password" />
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </Form>
  );
}
