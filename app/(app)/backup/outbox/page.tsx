import type { Metadata } from "next";
import { getViewer } from "@/app/_trpc/server";
import { OutboxList } from "./outbox-list";

export const metadata: Metadata = { title: "Outbox" };

export default async function OutboxPage() {
  const viewer = await getViewer();
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold">Outbox</h1>
      <p className="mt-1 text-sm text-slate-600">
        What this device recorded and has not yet delivered to the server. Events the server refused stay here until you
        correct or discard them.
      </p>
      <div className="mt-6">{viewer && <OutboxList userId={viewer.id} />}</div>
    </div>
  );
}
