/**
 * How a page goes out (app/entry.server.tsx, decision 0026): rendered whole,
 * then sent in one piece with its length — no loader defers data, so there
 * is nothing to stream — and compressed when the browser asks.
 */
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let portal: TestPortal;
let cookie: string;

beforeAll(async () => {
  portal = await startPortal({ SEED_DEMO: "1" });
  cookie = await signIn(portal.url, "operator");
});
afterAll(() => portal?.close());

/** A raw GET: the body's pieces as they arrived, and the headers as sent. */
function get(path: string, headers: Record<string, string>) {
  const url = new URL(path, portal.url);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      request(url, { headers }, (res) => {
        const parts: Buffer[] = [];
        res.on("data", (part: Buffer) => parts.push(part));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
      })
        .on("error", reject)
        .end();
    },
  );
}

describe("a page", () => {
  it("is sent whole, with its length and charset", async () => {
    for (const path of ["/tickets", "/login", "/nowhere"]) {
      const res = await get(path, path === "/login" ? {} : { cookie });
      expect(res.status, path).toBe(path === "/nowhere" ? 404 : 200);
      expect(res.headers["transfer-encoding"], path).toBeUndefined();
      expect(Number(res.headers["content-length"]), path).toBe(res.body.length);
      expect(res.headers["content-type"], path).toBe("text/html; charset=utf-8");
      const html = res.body.toString("utf8");
      expect(html.startsWith("<!DOCTYPE html>"), path).toBe(true);
      expect(html, path).toContain("</body></html>");
    }
  });

  it("carries all its hydration data: the data stream is closed at the end", async () => {
    const html = (await get("/tickets", { cookie })).body.toString("utf8");
    // Remix's single-fetch stream follows the document's root element, as when it was streamed.
    const closed = html.lastIndexOf("window.__remixContext.streamController.close();</script>");
    expect(closed).toBeGreaterThan(html.lastIndexOf("streamController.enqueue("));
    expect(html.slice(closed).replace(/<!--[^>]*-->/g, "")).toBe(
      "window.__remixContext.streamController.close();</script>",
    );
  });

  it("is compressed when the browser asks, and then has no stale length", async () => {
    const res = await get("/tickets", { cookie, "accept-encoding": "gzip" });
    expect(res.headers["content-encoding"]).toBe("gzip");
    const html = gunzipSync(res.body).toString("utf8");
    expect(html).toContain("</html>");
    if (res.headers["content-length"] !== undefined)
      expect(Number(res.headers["content-length"])).toBe(res.body.length);
  });
});
