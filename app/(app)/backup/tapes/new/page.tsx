import type { Metadata } from "next";
import Link from "next/link";
import { Can, ReadOnlyNotice } from "@/app/_components/writers-only";
import { RegisterTapeForm } from "./register-tape-form";

export const metadata: Metadata = { title: "Register tape cartridge" };

export default function RegisterTapePage() {
  return (
    <div className="mx-auto max-w-2xl">
      <Link href="/backup" className="text-sm text-brand-700 hover:underline">
        ← Backup Monitor
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">Register tape cartridge</h1>
      <Can capability="catalogue.edit" otherwise={<ReadOnlyNotice capability="catalogue.edit" />}>
        <RegisterTapeForm />
      </Can>
    </div>
  );
}
