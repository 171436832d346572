import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { UpdatePrompt } from "./_components/update-prompt";
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
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <TrpcProviders>{children}</TrpcProviders>
        <UpdatePrompt />
      </body>
    </html>
  );
}
