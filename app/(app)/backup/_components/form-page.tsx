import Link from "next/link";
import type { ReactNode } from "react";
import { Can, ReadOnlyNotice } from "@/app/_components/writers-only";
import type { Capability } from "@/lib/capabilities";

/**
 * A page that holds one form of Backup Monitor: a link back, the heading, and the form for viewers who may
 * do what `capability` covers; the others are told why they cannot instead.
 */
export function FormPage({
  back,
  title,
  capability,
  children,
}: {
  back: { href: string; label: ReactNode };
  title: ReactNode;
  capability: Capability;
  children: ReactNode;
}) {
  return (
    <div className="mx-auto max-w-2xl">
      <Link href={back.href} className="text-sm text-brand-700 hover:underline">
        ← {back.label}
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">{title}</h1>
      <Can capability={capability} otherwise={<ReadOnlyNotice capability={capability} />}>
        {children}
      </Can>
    </div>
  );
}
