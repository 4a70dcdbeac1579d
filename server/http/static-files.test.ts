import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import compression from "compression";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { precompressFiles, staticFiles } from "./static-files";

/** Raw bytes and headers, without fetch's transparent decoding. */
function getRaw(url: string, acceptEncoding?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(url, { headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    },
  );
}

describe("precompressed static files", () => {
  let dir: string;
  let server: Server;
  let base: string;
  const script = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `词${i}`))};\n`;
  const geojson = JSON.stringify({ type: "FeatureCollection", features: Array(60).fill({ type: "Feature" }) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "roundtable-static-"));
    mkdirSync(join(dir, "assets"));
    mkdirSync(join(dir, "geo"));
    writeFileSync(join(dir, "assets", "page-abc.js"), script);
    writeFileSync(join(dir, "assets", "tiny.css"), "a{color:red}");
    writeFileSync(join(dir, "assets", "mark.png"), Buffer.alloc(4096, 7));
    writeFileSync(join(dir, "geo", "areas.geojson"), geojson);
    const app = express();
    app.use(compression());
    app.use("/assets", staticFiles(join(dir, "assets"), { immutable: true, maxAge: "1y" }));
    app.use(staticFiles(dir, { maxAge: "1h" }));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes brotli and gzip copies of compressible files of 1 KB or more, and nothing else", () => {
    // Written after the server listed what there is, so the requests below also show it looks only once.
    expect(precompressFiles(dir)).toBe(2);
    expect(readdirSync(join(dir, "assets")).sort()).toEqual([
      "mark.png",
      "page-abc.js",
      "page-abc.js.br",
      "page-abc.js.gz",
      "tiny.css",
    ]);
    expect(readdirSync(join(dir, "geo")).sort()).toEqual(["areas.geojson", "areas.geojson.br", "areas.geojson.gz"]);
  });

  it("serves the brotli copy to a browser that takes it, whatever the order it lists encodings in", async () => {
    // A fresh listing: the middleware of the running server was made before the copies existed.
    const app = express();
    app.use("/assets", staticFiles(join(dir, "assets"), { immutable: true, maxAge: "1y" }));
    const fresh = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => fresh.once("listening", resolve));
    try {
      const url = `http://127.0.0.1:${(fresh.address() as AddressInfo).port}/assets/page-abc.js`;
      const res = await getRaw(url, "gzip, deflate, br");
      expect(res.status).toBe(200);
      expect(res.headers["content-encoding"]).toBe("br");
      expect(res.headers["content-type"]).toBe("application/javascript; charset=UTF-8");
      expect(res.headers["vary"]).toMatch(/Accept-Encoding/);
      expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(brotliDecompressSync(res.body).toString()).toBe(script);

      const gz = await getRaw(url, "gzip");
      expect(gz.headers["content-encoding"]).toBe("gzip");
      expect(gunzipSync(gz.body).toString()).toBe(script);

      const plain = await getRaw(url);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.body.toString()).toBe(script);

      const refused = await getRaw(url, "br;q=0, gzip;q=0");
      expect(refused.headers["content-encoding"]).toBeUndefined();
      expect(refused.body.toString()).toBe(script);
    } finally {
      fresh.close();
    }
  });

  it("leaves files the build made no copies of to the compression middleware, as before", async () => {
    // This server listed its files before the copies were written: it serves every file as it is.
    const res = await getRaw(`${base}/assets/page-abc.js`, "br, gzip");
    expect(res.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(res.body).toString()).toBe(script);
    const image = await getRaw(`${base}/assets/mark.png`, "br, gzip");
    expect(image.headers["content-encoding"]).toBeUndefined();
    expect(image.body.length).toBe(4096);
    const missing = await getRaw(`${base}/assets/none.js`, "br");
    expect(missing.status).toBe(404);
  });

  it("passes anything it did not list at start on to the next handler, without looking at the disk", async () => {
    writeFileSync(join(dir, "assets", "late.js"), script);
    expect((await getRaw(`${base}/assets/late.js`)).status).toBe(404);
    // A page's path is not a file either: the portal's routes answer it.
    expect((await getRaw(`${base}/tickets`)).status).toBe(404);
    expect((await getRaw(`${base}/geo`)).status).toBe(404);
  });

  it("serves a precompressed public file with its own type", async () => {
    const app = express();
    app.use(staticFiles(dir, { maxAge: "1h" }));
    const fresh = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => fresh.once("listening", resolve));
    try {
      const res = await getRaw(`http://127.0.0.1:${(fresh.address() as AddressInfo).port}/geo/areas.geojson`, "br");
      expect(res.headers["content-encoding"]).toBe("br");
      expect(res.headers["content-type"]).toBe("application/geo+json");
      expect(res.headers["cache-control"]).toBe("public, max-age=3600");
      expect(JSON.parse(brotliDecompressSync(res.body).toString())).toEqual(JSON.parse(geojson));
    } finally {
      fresh.close();
    }
  });
});
