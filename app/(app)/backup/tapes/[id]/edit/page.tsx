import type { Metadata } from "next";
import Link from "next/link";
import { Can, ReadOnlyNotice } from "@/app/_components/writers-only";
import { loadTape } from "../load-tape";
import { EditTapeForm } from "./edit-tape-form";

export const metadata: Metadata = { title: "Edit cartridge" };

export default async function EditTapePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const tape = await loadTape(id);
  return (
    <div className="mx-auto max-w-2xl">
      <Link href={`/backup/tapes/${tape.id}`} className="text-sm text-brand-700 hover:underline">
        ← {tape.barcode}
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">
        Edit cartridge <span className="font-mono">{tape.barcode}</span>
      </h1>
      <Can capability="catalogue.edit" otherwise={<ReadOnlyNotice capability="catalogue.edit" />}>
        <EditTapeForm tape={tape} />
      </Can>
    </div>
  );
}
