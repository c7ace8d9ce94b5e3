import type net from "node:net";

/** The server's connections, so that shutdown can end them gracefully and then for sure. */
export class OpenSockets {
  readonly #sockets = new Set<net.Socket>();
  readonly #http2 = new WeakSet<net.Socket>();
  #onEmpty: (() => void) | undefined;

  add(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.once("close", () => {
      this.#sockets.delete(socket);
      if (this.#sockets.size === 0) {
        this.#onEmpty?.();
      }
    });
  }

  /** HTTP/2 connections end by themselves once their session is closed and its streams are done. */
  markHttp2(socket: net.Socket): void {
    this.#http2.add(socket);
  }

  /** Ends the other connections: with no call in flight, HTTP/1.1 ones are idle. */
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
