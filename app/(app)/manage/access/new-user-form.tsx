"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { Form, FormActions, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { PASSWORD_RULE_TEXT } from "@/lib/vocabulary";
import { newUserSchema, type NewUser } from "@/lib/users";
import { ROLE_LABEL } from "@/lib/vocabulary";

const { TextField, SelectField } = formFields<z.input<typeof newUserSchema>>();

export function NewUserForm({ onDone }: { onDone: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useZodForm(newUserSchema, { defaultValues: { name: "", email: "", password: "", role: "staff" } });
  const create = useMutation(
    trpc.access.createUser.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.access.listUsers.queryKey() }),
    }),
  );

  async function onSubmit(user: NewUser) {
    await create.mutateAsync(user);
    form.reset();
    onDone(`${user.name} can now sign in as ${user.email}.`);
  }

  return (
    <Form
      form={form}
      onSubmit={onSubmit}
      className="card mt-4 space-y-4 p-5"
      aria-labelledby="new-user-title"
      header={
        <h2 id="new-user-title" className="text-base font-semibold">
          Add a user
        </h2>
      }
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField id="new-name" name="name" label="Full name" />
        <TextField id="new-email" name="email" label="Email" type="email" />
        <SelectField id="new-role" name="role" label="Role" options={ROLE_LABEL} />
        <TextField
          id="new-password"
          name="password"
          label="Initial password"
          hint={`${PASSWORD_RULE_TEXT} Give it to the user in person.`}
          type="password"
          autoComplete="new-password"
        />
      </div>
      <FormActions submit="Add user" busy="Adding…" pending={create.isPending} />
    </Form>
  );
}
