import Link from "next/link";
import type { ReactNode } from "react";
import { ReadOnlyNotice, WritersOnly } from "@/app/_components/writers-only";

/**
 * A page that holds one form of Backup Monitor: a link back, the heading, and the form for viewers who may
 * change data; read-only viewers are told what they cannot do instead.
 */
export function FormPage({
  back,
  title,
  cannot,
  children,
}: {
  back: { href: string; label: ReactNode };
  title: ReactNode;
  /** What a read-only viewer cannot do here, e.g. "edit cartridges". */
  cannot: string;
  children: ReactNode;
}) {
  return (
    <div className="mx-auto max-w-2xl">
      <Link href={back.href} className="text-sm text-brand-700 hover:underline">
        ← {back.label}
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">{title}</h1>
      <WritersOnly
        otherwise={
          <ReadOnlyNotice>You have read-only access to Backup Monitor, so you cannot {cannot}.</ReadOnlyNotice>
        }
      >
        {children}
      </WritersOnly>
    </div>
  );
}
