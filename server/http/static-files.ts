/**
 * The browser's files (the client build: fingerprinted assets and what
 * public/ holds), compressed once when the portal is built instead of on
 * every request. Gzipping mapbox-gl's 800 KB on each first visit cost the
 * server tens of milliseconds of CPU while the browser waited for it, and
 * brotli at its best level is far too slow to run per request but makes
 * the files a fifth smaller than gzip (decision 0024).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import express, { type RequestHandler } from "express";

/** Text worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|json|geojson|svg|html|txt|map)$/;
/** Below this a compressed copy saves less than its headers cost. */
const MIN_BYTES = 1024;
const ENCODINGS = [
  { name: "br", suffix: ".br" },
  { name: "gzip", suffix: ".gz" },
] as const;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Writes `file.br` and `file.gz` beside every compressible file of `dir` (the build step). */
export function precompressFiles(dir: string): number {
  let written = 0;
  for (const path of filesUnder(dir)) {
    if (!COMPRESSIBLE.test(path)) continue;
    const bytes = readFileSync(path);
    if (bytes.length < MIN_BYTES) continue;
    writeFileSync(
      `${path}.br`,
      brotliCompressSync(bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      }),
    );
    writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
    written++;
  }
  return written;
}

/**
 * `express.static` over `dir` that answers with the precompressed copy the
 * browser accepts, if the build made one; a file without copies (an image)
 * is served as it is and the compression middleware decides as before.
 *
 * The build's files are listed once, at start: a built client never changes
 * while the portal runs. So a request for anything else — every page and API
 * call passes through here first — goes on at once instead of costing a
 * failed `stat` and the error object that reports it.
 */
export function staticFiles(dir: string, options: { maxAge: string; immutable?: boolean }): RequestHandler {
  const files = new Set(filesUnder(dir).map((path) => `/${relative(dir, path).split(sep).join("/")}`));
  const serve = express.static(dir, {
    ...options,
    setHeaders(res, path) {
      const encoding = ENCODINGS.find((e) => path.endsWith(e.suffix));
      if (!encoding) return;
      const type = express.static.mime.lookup(path.slice(0, -encoding.suffix.length));
      const charset = express.static.mime.charsets.lookup(type, "");
      res.setHeader("Content-Type", charset ? `${type}; charset=${charset}` : type);
      res.setHeader("Content-Encoding", encoding.name);
    },
  });
  return (req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || !files.has(req.path)) return next();
    // The smallest copy the browser takes: Accept-Encoding's order is not a preference.
    const encoding = ENCODINGS.find((e) => req.acceptsEncodings(e.name) === e.name && files.has(req.path + e.suffix));
    res.vary("Accept-Encoding");
    if (encoding) req.url = req.url.replace(req.path, req.path + encoding.suffix);
    serve(req, res, next);
  };
}
