import type { connectNodeAdapter } from "@connectrpc/connect-node";

/** A request listener for both node:http and node:http2 (connect-node does not export its name for it). */
export type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;
export type NodeServerRequest = Parameters<NodeHandlerFn>[0];
export type NodeServerResponse = Parameters<NodeHandlerFn>[1];
