import type { Metadata } from "next";
import { getViewer } from "@/app/_trpc/server";
import { ScanScreen } from "./scan-screen";

export const metadata: Metadata = { title: "Scan" };

export default async function ScanPage() {
  const viewer = await getViewer();
  return <ScanScreen canWrite={viewer?.backupAccess === "write"} />;
}
