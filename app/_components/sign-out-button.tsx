"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useFieldSync, useSyncStatus } from "@/app/_client/field-sync";
import { signOut } from "@/app/_client/sign-out";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";

const events = (count: number) => `${count} event${count === 1 ? "" : "s"}`;

/** Signs out, first saying how many of the user's events have not reached the server (they stay, theirs). */
export function SignOutButton({ className }: { className: string }) {
  const sync = useFieldSync();
  const status = useSyncStatus();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const waiting = status?.waiting ?? 0;
  const rejected = status?.rejected ?? 0;

  async function run() {
    setPending(true);
    setError(null);
    try {
      await signOut({ sync, queryClient });
      // A full load: nothing of this user's pages stays in memory.
      window.location.replace("/sign-in");
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Signing out failed. Try again.");
      setConfirming(true);
      setPending(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className={className}
        disabled={pending}
        onClick={() => (waiting + rejected > 0 ? setConfirming(true) : void run())}
      >
        Sign out
      </button>
      <ConfirmDialog
        open={confirming}
        title={waiting + rejected > 0 ? `${events(waiting + rejected)} not synced` : "Sign out"}
        confirmLabel="Sign out"
        pending={pending}
        error={error}
        onConfirm={() => void run()}
        onCancel={() => {
          setConfirming(false);
          setError(null);
        }}
      >
        {waiting + rejected > 0 ? (
          <p data-testid="sign-out-warning">
            {waiting > 0 && `${events(waiting)} you recorded ${waiting === 1 ? "is" : "are"} waiting to sync. `}
            {rejected > 0 &&
              `${events(rejected)} the server refused ${rejected === 1 ? "needs" : "need"} your attention. `}
            They stay on this device as yours and are sent only when you sign in here again; nobody else can send them.
          </p>
        ) : (
          <p>Sign out of Backup Monitor on this device.</p>
        )}
      </ConfirmDialog>
    </>
  );
}
