import type { IncomingMessage, ServerResponse } from "node:http";
import {
  applyClientHeaders,
  isValidHost,
  proxyTrust,
  resolveClient,
  untrustedForwardingWarning,
} from "./client-address";
import { securityHeaders } from "./security";
import { handleTrpcNode, isTrpcRequest } from "./trpc-endpoint";

export type AppServerOptions = {
  trustedProxies: string[];
  appUrl: string | undefined;
  /** Everything that is not the tRPC endpoint: Next.js's request handler. */
  next: (request: IncomingMessage, response: ServerResponse) => unknown;
  warn?: (message: string) => void;
};

/**
 * What the app's own server does with every request before anything else reads it: refuse a malformed
 * Host (nothing could build a URL from it), decide who the client is, give the response the security
 * headers that do not depend on the page (build files under /_next/static included, which the proxy does
 * not see), then answer the tRPC endpoint here and everything else through Next.js.
 */
export function createAppRequestHandler({ trustedProxies, appUrl, next, warn = console.warn }: AppServerOptions) {
  const trust = proxyTrust(trustedProxies);
  const headers = Object.entries(securityHeaders({ https: appUrl?.startsWith("https://") ?? false }));
  let warned = false;

  return (request: IncomingMessage, response: ServerResponse) => {
    for (const [name, value] of headers) response.setHeader(name, value);
    if (!isValidHost(request.headers.host)) {
      response.writeHead(400, { "content-type": "text/plain" }).end("The request's Host header is not valid.\n");
      return;
    }
    const client = resolveClient(request, trust);
    if (client.untrustedForwarding && !warned) {
      warned = true;
      warn(`  ${untrustedForwardingWarning(client.peer)}`);
    }
    applyClientHeaders(request, client);
    if (isTrpcRequest(request.url)) {
      void handleTrpcNode(request, response, appUrl);
    } else {
      void next(request, response);
    }
  };
}
