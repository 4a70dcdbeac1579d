/**
 * The server render's writer, patched (decision 0026, session 21): React's Node
 * build encoded every string chunk of a page on its own (a TextEncoder call and
 * a new view each, thousands per page); patched, a flush's chunks are joined and
 * written once. Production loads the patched file; tests run React's development
 * build, so the production file is loaded here by path. What must hold: the same
 * markup as React's string renderer, whatever the characters and lengths, and
 * streaming (a Suspense boundary that resolves after the shell) still works.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createElement as h, Suspense, type ReactNode } from "react";
import type * as ReactDOMServer from "react-dom/server";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { collectWrites } from "../../app/lib/collect-writes.server";

const require = createRequire(import.meta.url);
const productionServer = join(
  dirname(require.resolve("react-dom/package.json")),
  "cjs/react-dom-server.node.production.min.js",
);
const { renderToPipeableStream } = require(productionServer) as typeof ReactDOMServer;

/** What entry.server does: render, and collect the whole page once everything is ready. */
function renderWhole(tree: ReactNode, when: "onAllReady" | "onShellReady" = "onAllReady") {
  return new Promise<{ html: string; writes: number }>((resolve, reject) => {
    const collect = collectWrites((parts) => resolve({ html: parts.join(""), writes: parts.length }));
    const { pipe } = renderToPipeableStream(tree, {
      [when]: () => pipe(collect),
      onShellError: reject,
      onError: reject,
    });
  });
}

describe("the server render's writer (patched React, decision 0026)", () => {
  it("is the patched build that production loads", () => {
    expect(readFileSync(productionServer, "utf8")).toContain("Roundtable patch");
  });

  it("writes the same markup as React's string renderer, in one write", async () => {
    // Long runs of three-byte characters and four-byte ones (surrogate pairs) were the stock
    // writer's edge cases: strings longer than its 2 KB view, and views filled mid-character.
    const tree = h(
      "div",
      { title: '议事"<&' },
      h("p", null, "圆桌会议".repeat(700) + "😀"),
      "文本",
      42,
      h("ul", null, ...Array.from({ length: 300 }, (_, i) => h("li", { key: i }, `第${i}项 🎉 <b>`))),
    );
    const { html, writes } = await renderWhole(tree);
    expect(html).toBe(renderToString(tree));
    expect(html).toContain("圆桌会议".repeat(700) + "😀");
    expect(writes).toBe(1);
  });

  it("hands the page over once, and never tells React that the client left", async () => {
    const handed: string[][] = [];
    const collect = collectWrites((parts) => handed.push(parts));
    const emitted: (string | symbol)[] = [];
    const emit = collect.emit.bind(collect);
    collect.emit = (event, ...args) => (emitted.push(event), emit(event, ...args));
    await new Promise<void>((resolve, reject) => {
      const { pipe } = renderToPipeableStream(h("p", null, "圆桌"), {
        onAllReady: () => (pipe(collect), resolve()),
        onError: reject,
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    collect.end();
    expect(handed).toEqual([["<p>圆桌</p>"]]);
    // React listens for close and error and aborts the render on either; a buffer sends neither.
    expect(collect.listenerCount("close")).toBe(1);
    expect(emitted).toEqual([]);
  });

  it("still streams: a boundary that resolves after the shell arrives in a later write", async () => {
    let ready = false;
    let pending: Promise<void> | undefined;
    function Late() {
      if (!ready) throw (pending ??= new Promise<void>((resolve) => setTimeout(() => ((ready = true), resolve()), 10)));
      return h("p", null, "晚到的意见 😀 & <b>");
    }
    const tree = h("main", null, h("h1", null, "圆桌"), h(Suspense, { fallback: h("i", null, "加载中") }, h(Late)));
    const { html, writes } = await renderWhole(tree, "onShellReady");
    expect(writes).toBeGreaterThan(1);
    expect(html).toContain("<h1>圆桌</h1>");
    expect(html).toContain("加载中");
    expect(html).toContain("晚到的意见 😀 &amp; &lt;b&gt;");
  });
});
