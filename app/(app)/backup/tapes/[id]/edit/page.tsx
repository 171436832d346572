import type { Metadata } from "next";
import Link from "next/link";
import { getViewer } from "@/app/_trpc/server";
import { loadTape } from "../load-tape";
import { EditTapeForm } from "./edit-tape-form";

export const metadata: Metadata = { title: "Edit cartridge" };

export default async function EditTapePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await getViewer();
  const tape = await loadTape(id);
  return (
    <div className="mx-auto max-w-2xl">
      <Link href={`/backup/tapes/${tape.id}`} className="text-sm text-brand-700 hover:underline">
        ← {tape.barcode}
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">
        Edit cartridge <span className="font-mono">{tape.barcode}</span>
      </h1>
      {viewer?.backupAccess === "write" ? (
        <EditTapeForm tape={tape} />
      ) : (
        <p role="alert" className="card mt-6 p-6 text-sm text-slate-700">
          You have read-only access to Backup Monitor, so you cannot edit cartridges.
        </p>
      )}
    </div>
  );
}
