import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";
import { cache } from "react";
import { serverCaller } from "@/app/_trpc/server";

/** The job for this render (shared by the page and its metadata); a 404 for an unknown or malformed id. */
export const loadJob = cache(async (id: string) => {
  try {
    return await (await serverCaller()).jobs.get({ id });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
});
