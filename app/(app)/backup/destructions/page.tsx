import type { Metadata } from "next";
import Link from "next/link";
import { DestructionsList } from "./destructions-list";

export const metadata: Metadata = { title: "Destructions" };

export default function DestructionsPage() {
  return (
    <div className="mx-auto max-w-6xl">
      <Link href="/backup" className="text-sm text-brand-700 hover:underline">
        ← Backup Monitor
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">Destructions</h1>
      <p className="mt-1 text-sm text-slate-600">
        Cartridges sanitized or destroyed at the end of their life, each destruction with its certificate of
        sanitization (NIST SP 800-88). Destroyed cartridges stay in the catalogue as evidence.
      </p>
      <DestructionsList />
    </div>
  );
}
