import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Toaster } from "sonner";
import { TimeZoneProvider } from "./_components/time-zone";
import { UpdatePrompt } from "./_components/update-prompt";
import { viewerTimeZone } from "./_components/viewer-time-zone";
import { TrpcProviders } from "./_trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  applicationName: "Backup Monitor",
  appleWebApp: { capable: true, title: "Backup Monitor", statusBarStyle: "default" },
  title: { default: "Backup Monitor", template: "%s · Backup Monitor" },
  description: "Track LTO backup tape cartridges, their jobs, locations and chain of custody.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#1f5fbf" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, so each gets the script nonce of its own security policy.
  await connection();
  const timeZone = await viewerTimeZone();
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <TimeZoneProvider initial={timeZone}>
          <TrpcProviders>{children}</TrpcProviders>
        </TimeZoneProvider>
        <UpdatePrompt />
        {/* One place for the notices that follow an action; they outlive the navigation that often comes with it. */}
        <Toaster position="top-center" richColors closeButton duration={6000} />
      </body>
    </html>
  );
}
