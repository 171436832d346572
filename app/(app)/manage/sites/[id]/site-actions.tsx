"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useCan } from "@/app/_components/writers-only";
import type { SiteKind } from "@/lib/vocabulary";
import { SiteForm } from "../site-form";
import { SiteStatusButton } from "../site-status";

type Site = {
  id: string;
  name: string;
  kind: SiteKind;
  address: string | null;
  serviceProvider: string | null;
  defaultCustodian: string | null;
  active: boolean;
};

/** The label to print for everyone; editing and retiring for those who manage sites. */
export function SiteActions({ site }: { site: Site }) {
  const router = useRouter();
  const canManage = useCan("sites.manage");
  const [editing, setEditing] = useState(false);

  return (
    <div className="mt-4">
      <div className="flex flex-wrap gap-2">
        <Link href={`/manage/sites/${site.id}/label`} className="btn-secondary">
          Print label
        </Link>
        {canManage && (
          <>
            <button
              type="button"
              className="btn-primary"
              aria-expanded={editing}
              onClick={() => setEditing((value) => !value)}
            >
              Edit
            </button>
            <SiteStatusButton site={site} />
          </>
        )}
      </div>
      {editing && (
        <SiteForm
          site={site}
          onDone={() => {
            setEditing(false);
            router.refresh();
          }}
        />
      )}
    </div>
  );
}
