"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { z } from "zod";
import { authClient } from "@/app/_client/auth-client";
import { Form, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { withRepeatedPassword } from "@/lib/password";
import { firstAdminSchema } from "@/lib/users";

// Checked even while other fields are wrong, so every mistake shows at once.
const always = () => true;

/** The first administrator, the password typed twice, and the setup code when the server asks for one. */
function setupFormSchema(codeRequired: boolean) {
  return withRepeatedPassword(firstAdminSchema, "password").refine(
    (values) => !codeRequired || !!values.setupCode?.trim(),
    {
      path: ["setupCode"],
      message: "Enter the setup code from the server's log",
      when: always,
    },
  );
}
const { TextField, NewPasswordFields } = formFields<z.input<ReturnType<typeof setupFormSchema>>>();

export function SetupForm({ codeRequired }: { codeRequired: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.setup.createFirstAdmin.mutationOptions());
  const schema = useMemo(() => setupFormSchema(codeRequired), [codeRequired]);
  const form = useZodForm(schema, { defaultValues: { name: "", email: "", password: "", confirm: "" } });

  async function onSubmit({ name, email, password, setupCode }: z.output<typeof schema>) {
    await create.mutateAsync({ name, email, password, setupCode });
    const { error } = await authClient.signIn.email({ email, password });
    if (error) {
      router.replace("/sign-in");
      return;
    }
    router.replace("/backup");
    router.refresh();
  }

  return (
    <Form form={form} onSubmit={onSubmit} className="space-y-4">
      <TextField name="name" label="Full name" autoComplete="name" autoFocus />
      <TextField name="email" label="Email" type="email" autoComplete="username" />
      <NewPasswordFields name="password" label="Password" repeatLabel="Repeat password" />
      {codeRequired && (
        <TextField
          name="setupCode"
          label="Setup code"
          hint="You are not on the server's own machine, so prove you run it: the one-time code is printed in the log of the terminal where the server was started (npm start), after 'setup code'."
          autoComplete="off"
          className="font-mono uppercase"
          placeholder="ABCD-EFGH-JKMN-PQRS"
        />
      )}
      <button type="submit" className="btn-primary w-full" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create administrator and sign in"}
      </button>
    </Form>
  );
}
