import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { TrpcProviders } from "./_trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Backup Monitor", template: "%s · Backup Monitor" },
  description: "Track LTO backup tape cartridges, their jobs, locations and chain of custody.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#1f5fbf" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <TrpcProviders>{children}</TrpcProviders>
      </body>
    </html>
  );
}
