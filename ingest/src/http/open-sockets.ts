import type net from "node:net";

export type Protocol = "http/1.1" | "h2c";

/** The server's connections, so that shutdown can end them gracefully and then for sure. */
export class OpenSockets {
  readonly #sockets = new Set<net.Socket>();
  readonly #http2 = new WeakSet<net.Socket>();
  #onEmpty: (() => void) | undefined;

  /** A new connection, dropped unless it says which protocol it speaks within `silentMs`. */
  add(socket: net.Socket, silentMs: number): void {
    this.#sockets.add(socket);
    socket.setTimeout(silentMs, dropSilent);
    socket.once("close", () => {
      this.#sockets.delete(socket);
      if (this.#sockets.size === 0) {
        this.#onEmpty?.();
      }
    });
  }

  /** The connection was handed to the server of its protocol, whose own timeouts apply from now on. */
  spoke(socket: net.Socket, protocol: Protocol): void {
    socket.off("timeout", dropSilent);
    socket.setTimeout(0);
    if (protocol === "h2c") {
      this.#http2.add(socket);
    }
  }

  /** Ends the other connections: with no call in flight, HTTP/1.1 ones are idle. HTTP/2 ones end with their session. */
  endHttp1(): void {
    for (const socket of this.#sockets) {
      if (!this.#http2.has(socket)) {
        socket.end();
      }
    }
  }

  /** Resolves once every connection has closed, or after `timeoutMs`. */
  allClosed(timeoutMs: number): Promise<void> {
    if (this.#sockets.size === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#onEmpty = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  destroyAll(): void {
    for (const socket of this.#sockets) {
      socket.destroy();
    }
  }
}

function dropSilent(this: net.Socket): void {
  this.destroy();
}
