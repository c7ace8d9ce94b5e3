import { once } from "node:events";
import net from "node:net";

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a child process that must be told
 * its port up front (one that can listen on port 0 and report it should do that instead).
 */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
