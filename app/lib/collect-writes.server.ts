import { EventEmitter } from "node:events";

const decoder = new TextDecoder();

/**
 * The server render's destination: keeps what React writes and hands it over
 * when React ends it, since a page is sent whole, in one write with its length
 * (decision 0026). With patched React the chunks are strings (session 21); a
 * byte chunk is one whole string React encoded, so it is decoded on its own.
 *
 * Not a Node `Writable`. React's `pipe` needs `write`, `end`, and the events it
 * listens for (drain, error, close), and a buffer never has any of those to
 * send. A `Writable` emitted `close` after it finished, which React took for a
 * client that left early: it aborted the finished render, and two errors were
 * made for every page (React's reason, and Node's ERR_STREAM_ALREADY_FINISHED
 * when React ended the stream again), with the stream's own state, callbacks
 * and copies besides (session 29).
 */
class Collector extends EventEmitter implements NodeJS.WritableStream {
  writable = true;
  private readonly parts: string[] = [];

  constructor(private readonly ended: (parts: string[]) => void) {
    super();
  }

  write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
    this.parts.push(typeof chunk === "string" ? chunk : decoder.decode(chunk));
    done(rest);
    return true;
  }

  end(...args: unknown[]): this {
    if (typeof args[0] === "string" || args[0] instanceof Uint8Array) this.write(args[0]);
    if (this.writable) {
      this.writable = false;
      this.ended(this.parts);
    }
    done(args);
    return this;
  }
}

/** Calls a write's or an end's callback, if it was given one (its last argument). */
function done(args: unknown[]) {
  const callback = args[args.length - 1];
  if (typeof callback === "function") queueMicrotask(() => (callback as () => void)());
}

export function collectWrites(ended: (parts: string[]) => void): NodeJS.WritableStream {
  return new Collector(ended);
}
