import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ROTATION_LIST_LABEL, ROTATION_LIST_PATH, ROTATION_LISTS } from "@/lib/rotation";
import { RotationTable } from "../../_components/rotation-table";

export const metadata: Metadata = { title: "Rotation" };

export default async function RotationListPage({
  params,
  searchParams,
}: {
  params: Promise<{ list: string }>;
  searchParams: Promise<{ overdue?: string }>;
}) {
  const { list: segment } = await params;
  const list = ROTATION_LISTS.find((candidate) => ROTATION_LIST_PATH[candidate].endsWith(`/${segment}`));
  if (!list) notFound();
  const { overdue } = await searchParams;
  return (
    <div className="mx-auto max-w-6xl">
      <Link href="/backup" className="text-sm text-brand-700 hover:underline">
        ← Backup Monitor
      </Link>
      <RotationTable list={list} title={ROTATION_LIST_LABEL[list]} overdue={overdue === "1"} />
    </div>
  );
}
