import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/app/_components/app-shell";
import { getViewer, serverCaller } from "@/app/_trpc/server";
import { ViewerProvider } from "@/app/_components/writers-only";

export const dynamic = "force-dynamic";

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) {
    const { needsSetup } = await (await serverCaller()).setup.status();
    redirect(needsSetup ? "/setup" : "/sign-in");
  }
  return (
    <ViewerProvider viewer={viewer}>
      <AppShell viewer={viewer}>{children}</AppShell>
    </ViewerProvider>
  );
}
