import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { getAuth } from "@/server/auth/auth";
import { getDb } from "@/server/db";
import { createCaller } from "@/server/root";
import { createContext } from "@/server/trpc";

/** One context per server render: the same access checks as HTTP calls, without the round trip. */
const getContext = cache(async () =>
  createContext({ db: getDb(), auth: await getAuth(), headers: new Headers(await headers()) }),
);

export async function serverCaller() {
  return createCaller(await getContext());
}

export const getViewer = cache(async () => (await getContext()).viewer);
