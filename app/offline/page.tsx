import type { Metadata } from "next";
import { AppShellOffline } from "./app-shell-offline";

export const metadata: Metadata = { title: "Backup Monitor" };

/**
 * The app shell the service worker precaches and answers with when there is no network. It holds no
 * user's data (it is the same for everyone): the field screens inside it run on the device's own store.
 */
export default function OfflinePage() {
  return <AppShellOffline />;
}
