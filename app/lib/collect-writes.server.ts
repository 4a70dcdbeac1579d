import { Writable } from "node:stream";

/**
 * A stream that keeps what is written to it and hands all of it over when it
 * ends: the server render's destination, since a page is sent whole, in one
 * write with its length (decision 0026).
 */
export function collectWrites(ended: (chunks: Buffer[]) => void): Writable {
  const chunks: Buffer[] = [];
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
    final(done) {
      ended(chunks);
      done();
    },
  });
}
