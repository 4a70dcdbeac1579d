/**
 * What a loader is handed (decision 0026, session 24): Remix's server runtime
 * copied the request twice per loader to strip its own search parameters, even
 * when there were none. The patch hands over the request itself then, and still
 * strips `index` and `_routes` when they are there. Node loads the package's
 * CommonJS build, so that is the file tested here.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const dataPath = createRequire(require.resolve("@remix-run/node")).resolve("@remix-run/server-runtime/dist/data.js");
const { callRouteLoader } = require(dataPath) as {
  callRouteLoader(args: {
    loadContext: unknown;
    loader: (args: { request: Request }) => unknown;
    params: Record<string, string>;
    request: Request;
    routeId: string;
    singleFetch: boolean;
  }): Promise<unknown>;
};

/** The request a loader sees for `url`. */
async function seenBy(request: Request) {
  let seen: Request | undefined;
  await callRouteLoader({
    loadContext: {},
    loader: ({ request }) => ((seen = request), null),
    params: {},
    request,
    routeId: "routes/tickets._index",
    singleFetch: true,
  });
  return seen!;
}

describe("the request a loader is handed, patched (decision 0026)", () => {
  it("is the patched build that Node loads", () => {
    expect(readFileSync(dataPath, "utf8")).toContain("Patched (Roundtable");
  });

  it("is the request itself when there is nothing to strip", async () => {
    const request = new Request("http://localhost/tickets?queue=all&q=%E5%81%9C%E8%BD%A6+a", {
      signal: new AbortController().signal,
    });
    expect(await seenBy(request)).toBe(request);
  });

  it("has Remix's own parameters stripped when they are there, and keeps the rest, the signal and the body", async () => {
    const controller = new AbortController();
    const post = new Request("http://localhost/tickets?index&queue=all&_routes=root", {
      method: "POST",
      body: "a=1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      signal: controller.signal,
    });
    const seen = await seenBy(post);
    expect(seen).not.toBe(post);
    expect(new URL(seen.url).search).toBe("?queue=all");
    expect(await seen.text()).toBe("a=1");
    controller.abort();
    expect(seen.signal.aborted).toBe(true);
    // An index value that is not empty is the page's own, and stays.
    expect(new URL((await seenBy(new Request("http://localhost/x?index=2"))).url).search).toBe("?index=2");
  });
});
