import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, CROSS_SITE_REFUSAL, isCrossSiteWrite, securityHeaders } from "./server/http/security";

/**
 * Runs before every page and API request: refuses writes from other sites, and gives each response its
 * security headers with a fresh script nonce, which Next.js reads from the request's policy header and
 * puts on the scripts it renders.
 */
export function proxy(request: NextRequest) {
  const appUrl = process.env.APP_URL || undefined;
  const https = appUrl?.startsWith("https://") ?? false;
  const headers = securityHeaders({ https });

  if (isCrossSiteWrite(request, appUrl)) {
    return NextResponse.json({ message: CROSS_SITE_REFUSAL }, { status: 403, headers });
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const policy = contentSecurityPolicy({ nonce, dev: process.env.NODE_ENV !== "production", https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Hashed build files are scripts and styles, not documents: they need none of this.
  matcher: ["/((?!_next/static|_next/image).*)"],
};
