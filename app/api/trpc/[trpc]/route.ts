import { handleTrpcFetch } from "@/server/http/trpc-endpoint";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export { handleTrpcFetch as GET, handleTrpcFetch as POST };
