import type { Metadata } from "next";
import Link from "next/link";
import { getViewer } from "@/app/_trpc/server";
import { RegisterTapeForm } from "./register-tape-form";

export const metadata: Metadata = { title: "Register tape cartridge" };

export default async function RegisterTapePage() {
  const viewer = await getViewer();
  return (
    <div className="mx-auto max-w-2xl">
      <Link href="/backup" className="text-sm text-brand-700 hover:underline">
        ← Backup Monitor
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">Register tape cartridge</h1>
      {viewer?.backupAccess === "write" ? (
        <RegisterTapeForm />
      ) : (
        <p role="alert" className="card mt-6 p-6 text-sm text-slate-700">
          You have read-only access to Backup Monitor, so you cannot register cartridges.
        </p>
      )}
    </div>
  );
}
