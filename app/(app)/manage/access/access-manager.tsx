"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { ACCESS_LEVELS, ROLE_LABEL, ROLES, type AccessLevel, type Role } from "@/lib/vocabulary";
import { useViewer } from "@/app/_components/writers-only";
import { takesApproverMark } from "@/lib/capabilities";
import { NewUserForm } from "./new-user-form";

export function AccessManager() {
  const currentUserId = useViewer()?.id;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.access.listUsers.queryOptions());
  const [adding, setAdding] = useState(false);
  const [toggling, setToggling] = useState<{ id: string; name: string; active: boolean } | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.access.listUsers.queryKey() });
  const report = (text: string) => ({
    onSuccess: () => toast.success(text),
    onError: (e: unknown) => toast.error(errorMessage(e)),
    onSettled: refresh,
  });

  const setRole = useMutation(trpc.access.setRole.mutationOptions());
  const setAccess = useMutation(trpc.access.setBackupAccess.mutationOptions());
  const setActive = useMutation(trpc.access.setActive.mutationOptions());
  const setApprover = useMutation(trpc.access.setApprover.mutationOptions());

  function changeRole(user: { id: string; name: string }, role: Role) {
    setRole.mutate({ userId: user.id, role }, report(`${user.name} is now ${ROLE_LABEL[role].toLowerCase()}.`));
  }
  function changeAccess(user: { id: string; name: string }, level: AccessLevel) {
    setAccess.mutate(
      { userId: user.id, level },
      report(level === "read" ? `${user.name} now has read-only access.` : `${user.name} can now change data.`),
    );
  }
  function changeApprover(user: { id: string; name: string }, approver: boolean) {
    setApprover.mutate(
      { userId: user.id, approver },
      report(approver ? `${user.name} can now approve.` : `${user.name} no longer approves.`),
    );
  }
  function confirmToggle() {
    if (!toggling) return;
    const { id, name, active } = toggling;
    setActive.mutate(
      { userId: id, active: !active },
      {
        ...report(active ? `${name} has been deactivated and signed out.` : `${name} can sign in again.`),
        onSettled: () => {
          setToggling(null);
          void refresh();
        },
      },
    );
  }

  return (
    <section className="mt-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-lg font-semibold">Users</h2>
        <button
          type="button"
          className="btn-primary"
          onClick={() => setAdding((value) => !value)}
          aria-expanded={adding}
        >
          {adding ? "Close" : "Add user"}
        </button>
      </div>

      {adding && (
        <NewUserForm
          onDone={(text) => {
            setAdding(false);
            toast.success(text);
          }}
        />
      )}

      {users.isPending && <p className="mt-6 text-sm text-slate-500">Loading users…</p>}
      {users.isError && (
        <p role="alert" className="mt-6 text-sm text-red-700">
          Could not load the users: {errorMessage(users.error)}{" "}
          <button type="button" className="underline" onClick={() => users.refetch()}>
            Try again
          </button>
        </p>
      )}

      {users.data && (
        <ul className="mt-4 divide-y divide-slate-200 card" aria-label="Users">
          {users.data.map((user) => {
            const isSelf = user.id === currentUserId;
            return (
              <li
                key={user.id}
                data-testid={`user-${user.email}`}
                className="grid gap-3 p-4 md:grid-cols-[1fr_10rem_10rem_7rem_9rem] md:items-center"
              >
                <div className="min-w-0">
                  <p className="truncate font-medium">
                    {user.name} {isSelf && <span className="text-xs font-normal text-slate-500">(you)</span>}
                  </p>
                  <p className="truncate text-sm text-slate-500">{user.email}</p>
                  {!user.active && (
                    <span className="mt-1 inline-block rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700">
                      Deactivated
                    </span>
                  )}
                </div>
                <label className="text-sm">
                  <span className="mb-1 block text-xs text-slate-500 md:sr-only">Role</span>
                  <select
                    aria-label={`Role of ${user.name}`}
                    className="input"
                    value={user.role}
                    disabled={isSelf || setRole.isPending}
                    onChange={(event) => changeRole(user, event.target.value as Role)}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {ROLE_LABEL[role]}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="text-sm">
                  <span className="mb-1 block text-xs text-slate-500 md:sr-only">Backup Monitor access</span>
                  <select
                    aria-label={`Backup Monitor access of ${user.name}`}
                    className="input"
                    value={user.backupAccess}
                    disabled={user.role === "admin" || setAccess.isPending}
                    title={user.role === "admin" ? "Administrators always have write access" : undefined}
                    onChange={(event) => changeAccess(user, event.target.value as AccessLevel)}
                  >
                    {ACCESS_LEVELS.map((level) => (
                      <option key={level} value={level}>
                        {level === "read" ? "Read only" : "Read and write"}
                      </option>
                    ))}
                  </select>
                </label>
                <label
                  className="flex items-center gap-2 text-sm"
                  title={
                    takesApproverMark(user.role)
                      ? undefined
                      : user.role === "admin"
                        ? "Administrators always approve"
                        : "Only staff can be approvers"
                  }
                >
                  <input
                    type="checkbox"
                    aria-label={`${user.name} approves`}
                    className="size-4"
                    // Administrators approve without the mark; only staff carry it.
                    checked={user.role === "admin" || (takesApproverMark(user.role) && user.approver)}
                    disabled={!takesApproverMark(user.role) || setApprover.isPending}
                    onChange={(event) => changeApprover(user, event.target.checked)}
                  />
                  Approver
                </label>
                <div className="md:text-right">
                  {!isSelf && (
                    <button
                      type="button"
                      className={user.active ? "btn-secondary" : "btn-primary"}
                      onClick={() => setToggling({ id: user.id, name: user.name, active: user.active })}
                    >
                      {user.active ? "Deactivate" : "Reactivate"}
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}

      <ConfirmDialog
        open={toggling !== null}
        title={toggling?.active ? `Deactivate ${toggling.name}?` : `Reactivate ${toggling?.name ?? ""}?`}
        confirmLabel={toggling?.active ? "Deactivate" : "Reactivate"}
        danger={toggling?.active}
        pending={setActive.isPending}
        onConfirm={confirmToggle}
        onCancel={() => setToggling(null)}
      >
        {toggling?.active
          ? "They are signed out everywhere at once and cannot sign in until reactivated. Their records stay."
          : "They will be able to sign in again with their existing password."}
      </ConfirmDialog>
    </section>
  );
}
