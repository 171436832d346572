"use client";

import Link from "next/link";
import { useLiveQuery } from "@/app/_client/use-live-query";
import { useCan, useViewer } from "@/app/_components/writers-only";
import { type FieldConsignment } from "@/lib/consignments";
import type { CaseStep } from "./case-screen";
import { receiptRefusal } from "@/lib/capabilities";

/**
 * The consignments this user may scan out or in, from the device's cache: a courier finds them without a
 * connection. Nothing shows to a user who may do neither, or when there are none.
 */
export function FieldConsignmentList() {
  const viewer = useViewer();
  const canDispatch = useCan("consignments.dispatch");
  const canReceive = useCan("consignments.receive");
  const consignments = useLiveQuery((db) => db.consignments.toCollection().sortBy("number"), []);

  const items = (consignments ?? []).flatMap((consignment): { consignment: FieldConsignment; step: CaseStep }[] => {
    if (canDispatch && consignment.state === "approved") return [{ consignment, step: "dispatch" }];
    if (
      canReceive &&
      consignment.state === "in_transit" &&
      viewer &&
      !receiptRefusal(viewer, consignment.dispatchedById)
    )
      return [{ consignment, step: "receive" }];
    return [];
  });
  if (items.length === 0) return null;

  return (
    <section aria-labelledby="field-consignments-title" className="card p-4">
      <h2 id="field-consignments-title" className="text-base font-semibold">
        Consignments to dispatch / receive
      </h2>
      <ul className="mt-2 divide-y divide-slate-100" data-testid="field-consignments">
        {items.map(({ consignment, step }) => (
          <li key={consignment.id} className="flex flex-wrap items-center gap-2 py-2 text-sm">
            <span className="flex-1">
              <span className="font-medium">{consignment.number}</span>{" "}
              <span className="text-slate-500">
                {consignment.fromSite.name} → {consignment.toSite.name} ·{" "}
                {(step === "dispatch" ? consignment.expected : consignment.scannedOut).length} cartridges
              </span>
            </span>
            <Link href={`/backup/consignments/${consignment.id}/${step}`} className="btn-secondary">
              {step === "dispatch" ? "Scan out" : "Scan in"}
              <span className="sr-only"> {consignment.number}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
