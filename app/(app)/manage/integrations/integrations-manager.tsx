"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { DataTable, useKeysetPages, type Column } from "@/app/_components/data-table";
import { Form, formFields, useZodForm } from "@/app/_components/field";
import { Moment } from "@/app/_components/time-zone";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { fromDateInput } from "@/lib/dates";
import { API_SCOPE_LABEL, API_SCOPES, apiTokenFormSchema, type ApiTokenFormValues } from "@/lib/integrations";
import type { AppRouter } from "@/server/root";

type Token = inferRouterOutputs<AppRouter>["integrations"]["list"]["items"][number];

const { TextField } = formFields<ApiTokenFormValues>();
const FORM_DEFAULTS: ApiTokenFormValues = { name: "", scopes: ["jobs:write"], expiresOn: "" };

function state(token: Token) {
  if (token.revokedAt) return "Revoked";
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= Date.now()) return "Expired";
  return "Active";
}

const columns: Column<Token>[] = [
  { key: "name", header: "Name", cell: (token) => <span className="font-medium">{token.name}</span> },
  { key: "prefix", header: "Token", className: "font-mono", cell: (token) => `${token.prefix}…` },
  { key: "scopes", header: "Scopes", cell: (token) => token.scopes.join(", ") },
  {
    key: "created",
    header: "Created",
    cell: (token) => (
      <>
        <Moment value={token.createdAt} dayOnly /> by {token.createdByName}
      </>
    ),
  },
  {
    key: "expires",
    header: "Expires",
    cell: (token) => (token.expiresAt ? <Moment value={token.expiresAt} dayOnly /> : "Never"),
  },
  {
    key: "used",
    header: "Last used",
    cell: (token) => (token.lastUsedAt ? <Moment value={token.lastUsedAt} /> : "Never"),
  },
  { key: "state", header: "State", cell: state },
];

/** The token just created, shown once with a copy button: it cannot be shown again. */
function NewToken({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section aria-labelledby="new-token-title" className="card mt-4 border-emerald-300 p-5" data-testid="new-token">
      <h2 id="new-token-title" className="text-base font-semibold">
        Token for {name}
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        Copy it now into the backup software&apos;s settings: it is shown only this once, and only its first characters
        are kept for the list.
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <input
          readOnly
          aria-label={`API token for ${name}`}
          value={token}
          className="input min-w-0 flex-1 font-mono text-xs"
          onFocus={(event) => event.currentTarget.select()}
        />
        <button
          type="button"
          className="btn-secondary"
          onClick={async () => {
            await navigator.clipboard.writeText(token);
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" className="btn-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

function TokenForm({
  onCreated,
  onCancel,
}: {
  onCreated: (name: string, token: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useZodForm(apiTokenFormSchema, { defaultValues: FORM_DEFAULTS });
  const create = useMutation(
    trpc.integrations.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.integrations.pathKey() }),
    }),
  );
  const scopeError = form.formState.errors.scopes?.message;

  async function onSubmit(values: ApiTokenFormValues) {
    const created = await create.mutateAsync({
      name: values.name,
      scopes: values.scopes,
      expiresAt: values.expiresOn ? fromDateInput(values.expiresOn) : null,
    });
    onCreated(created.apiToken.name, created.token);
  }

  return (
    <Form
      form={form}
      onSubmit={onSubmit}
      className="card mt-4 space-y-4 p-5"
      aria-labelledby="new-token-form-title"
      header={
        <h2 id="new-token-form-title" className="text-base font-semibold">
          New API token
        </h2>
      }
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField id="token-name" name="name" label="Integration" hint="e.g. Bareos director, Veeam B&R" />
        <TextField
          id="token-expires"
          name="expiresOn"
          label="Expires on"
          type="date"
          hint="Leave empty for a token that does not expire"
        />
      </div>
      <fieldset aria-describedby={scopeError ? "token-scopes-error" : undefined}>
        <legend className="text-sm font-medium">May</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {API_SCOPES.map((scope) => (
            <label key={scope} className="flex items-start gap-2 text-sm">
              <input type="checkbox" value={scope} {...form.register("scopes")} className="mt-0.5" />
              <span>
                <span className="font-medium">{API_SCOPE_LABEL[scope]}</span>
                <span className="block font-mono text-xs text-slate-500">{scope}</span>
              </span>
            </label>
          ))}
        </div>
        {scopeError && (
          <p id="token-scopes-error" role="alert" className="mt-1 text-sm text-red-700">
            {scopeError}
          </p>
        )}
      </fieldset>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create token"}
        </button>
      </div>
    </Form>
  );
}

function RevokeButton({ token }: { token: Token }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation(trpc.integrations.revoke.mutationOptions());
  if (token.revokedAt) return null;
  return (
    <>
      <button type="button" className="btn-secondary" onClick={() => setConfirming(true)}>
        Revoke<span className="sr-only"> {token.name}</span>
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Revoke the token for ${token.name}?`}
        confirmLabel="Revoke"
        danger
        pending={revoke.isPending}
        error={revoke.error && errorMessage(revoke.error)}
        onConfirm={() =>
          revoke.mutate(
            { id: token.id },
            {
              onSuccess: async () => {
                await queryClient.invalidateQueries({ queryKey: trpc.integrations.pathKey() });
                setConfirming(false);
                toast.success(`The token for ${token.name} is revoked.`);
              },
            },
          )
        }
        onCancel={() => setConfirming(false)}
      >
        Every request with it is refused from now on. What it reported stays, attributed to it.
      </ConfirmDialog>
    </>
  );
}

export function IntegrationsManager() {
  const trpc = useTRPC();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const paging = useKeysetPages("tokens");
  const query = useQuery(trpc.integrations.list.queryOptions());

  return (
    <>
      {created && <NewToken {...created} onDone={() => setCreated(null)} />}
      {adding && (
        <TokenForm
          onCreated={(name, token) => {
            setAdding(false);
            setCreated({ name, token });
          }}
          onCancel={() => setAdding(false)}
        />
      )}
      <DataTable
        title="API tokens"
        noun="API tokens"
        testId="api-tokens"
        pagesLabel="API token pages"
        columns={columns}
        query={query}
        paging={paging}
        actions={
          <button
            type="button"
            className="btn-primary"
            aria-expanded={adding}
            onClick={() => setAdding((value) => !value)}
          >
            {adding ? "Close" : "New token"}
          </button>
        }
        empty="No API tokens yet. Create one for each piece of backup software that reports to Backup Monitor."
        card={(token) => (
          <div>
            <p className="font-medium">{token.name}</p>
            <p className="font-mono text-xs text-slate-600">{token.prefix}…</p>
            <p className="text-sm text-slate-600">{token.scopes.join(", ")}</p>
            <p className="text-xs text-slate-500">
              {state(token)} · last used {token.lastUsedAt ? <Moment value={token.lastUsedAt} /> : "never"}
            </p>
          </div>
        )}
        rowAction={(token) => <RevokeButton token={token} />}
      />
    </>
  );
}
