import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { WriteText } from "./replay";

export interface TextSink {
  readonly write: WriteText;
  readonly close: () => Promise<void>;
}

/** stdout, or a file; waits for "drain" when the destination is slower than the log. */
export function openTextSink(path: string | undefined): TextSink {
  const stream: Writable = path === undefined ? process.stdout : createWriteStream(path);
  // `scripts/replay … | head` closes the pipe early: the reader has what it wanted, not an error.
  if (path === undefined) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") console.error(`replay: cannot write to stdout: ${error.message}`);
      process.exit(error.code === "EPIPE" ? 0 : 1);
    });
  }
  return {
    write: async (text) => {
      if (text !== "" && !stream.write(text)) await once(stream, "drain");
    },
    close: async () => {
      if (path === undefined) return;
      stream.end();
      await once(stream, "finish");
    },
  };
}
