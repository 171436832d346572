import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";
import { serverCaller } from "@/app/_trpc/server";

/** The audit for a page, or the 404 page for an unknown or malformed id. */
export async function loadAudit(id: string) {
  try {
    return await (await serverCaller()).audits.get({ id });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
}
