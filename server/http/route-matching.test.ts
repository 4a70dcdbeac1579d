/**
 * Route matching with the patches of decision 0026: @remix-run/router flattens
 * and ranks a route tree once and compiles each path's matcher once, instead
 * of on every match; the render (@remix-run/react, react-router-dom) builds
 * its route tree once per build, so its matches reuse that work too. The server loads the package's CommonJS build (Node has
 * no `exports` map to pick the ES one), so that is the file tested here.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Router from "@remix-run/router";
import type * as RouterServer from "react-router-dom/server";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const routerPath = require.resolve("@remix-run/router");
const { matchPath, matchRoutes } = require(routerPath) as typeof Router;

const ids = (matches: ReturnType<typeof matchRoutes>) => matches?.map((m) => m.route.id) ?? null;

describe("route matching, patched to reuse its work (decision 0026)", () => {
  it("is the patched build that Node loads", () => {
    const source = readFileSync(routerPath, "utf8");
    expect(source).toContain("rankedBranchesCache");
    expect(source).toContain("compiledPaths");
    expect(source).toContain("copyMatches");
  });

  it("is matched against one route tree per build: the render's tree and its data routes are made once", () => {
    // What the server render loads: Remix's RemixServer, and the static router it builds on.
    const remixServer = require.resolve("@remix-run/react/dist/server.js");
    expect(readFileSync(remixServer, "utf8")).toContain("serverRoutesCache");
    const staticRouter = createRequire(remixServer).resolve("react-router-dom/server");
    expect(readFileSync(staticRouter, "utf8")).toContain("dataRoutesCache");
  });

  it("answers the same, with the most specific route first, however often a tree is matched", () => {
    const tree = [
      {
        id: "root",
        path: "/",
        children: [
          { id: "tickets", path: "tickets" },
          { id: "ticket", path: "tickets/:ticketId" },
          { id: "new", path: "tickets/new" },
          { id: "rest", path: "*" },
        ],
      },
    ];
    for (let i = 0; i < 3; i++) {
      expect(ids(matchRoutes(tree, "/tickets"))).toEqual(["root", "tickets"]);
      expect(ids(matchRoutes(tree, "/tickets/new"))).toEqual(["root", "new"]);
      expect(matchRoutes(tree, "/tickets/42")?.at(-1)?.params).toEqual({ ticketId: "42" });
      expect(ids(matchRoutes(tree, "/elsewhere"))).toEqual(["root", "rest"]);
    }
  });

  it("keeps each tree's ranking to itself", () => {
    const one = [{ id: "a", path: "/plans/:planId" }];
    const two = [
      { id: "b", path: "/plans/:planId" },
      { id: "c", path: "/plans/print" },
    ];
    expect(ids(matchRoutes(one, "/plans/print"))).toEqual(["a"]);
    expect(ids(matchRoutes(two, "/plans/print"))).toEqual(["c"]);
    expect(ids(matchRoutes(one, "/plans/print"))).toEqual(["a"]);
  });

  it("keeps a tree's answer per path, and gives every caller its own copy", () => {
    const tree = [{ id: "root", path: "/", children: [{ id: "ticket", path: "tickets/:ticketId" }] }];
    const first = matchRoutes(tree, "/tickets/7")!;
    // One params object per answer, as the stock matcher makes it; a caller may change it.
    expect(first[0]!.params).toBe(first[1]!.params);
    (first[1]!.params as Record<string, string>).ticketId = "changed";
    first.pop();
    const again = matchRoutes(tree, "/tickets/7")!;
    expect(ids(again)).toEqual(["root", "ticket"]);
    expect(again[1]!.params).toEqual({ ticketId: "7" });
    expect(again[0]!.params).toBe(again[1]!.params);
    expect(matchRoutes(tree, "/councils")).toBeNull();
    expect(matchRoutes(tree, "/councils")).toBeNull();
    expect(matchRoutes(tree, "/tickets/7/print")).toBeNull();
  });

  it("still answers after more paths than a tree keeps", () => {
    const tree = [{ id: "ticket", path: "/tickets/:ticketId" }];
    for (let i = 0; i < 1_200; i++)
      expect(matchRoutes(tree, `/tickets/${i}`)?.[0]?.params).toEqual({ ticketId: String(i) });
    expect(matchRoutes(tree, "/tickets/0")?.[0]?.params).toEqual({ ticketId: "0" });
  });

  it("compiles a path apart for each case sensitivity and end", () => {
    expect(matchPath({ path: "/Map", caseSensitive: true }, "/map")).toBeNull();
    expect(matchPath({ path: "/Map", caseSensitive: false }, "/map")).not.toBeNull();
    expect(matchPath({ path: "/Map", caseSensitive: true }, "/Map")).not.toBeNull();
    expect(matchPath({ path: "/map", end: true }, "/map/points")).toBeNull();
    expect(matchPath({ path: "/map", end: false }, "/map/points")?.pathnameBase).toBe("/map");
    expect(matchPath({ path: "/map", end: true }, "/map/points")).toBeNull();
  });

  it("still matches after more patterns than it keeps compiled", () => {
    for (let i = 0; i < 1_200; i++) expect(matchPath(`/n${i}/:x`, `/n${i}/y`)?.params).toEqual({ x: "y" });
    expect(matchPath("/n0/:x", "/n0/z")?.params).toEqual({ x: "z" });
  });
});

describe("the render's static router, patched to be a class instance (decision 0026, session 24)", () => {
  const remixServer = require.resolve("@remix-run/react/dist/server.js");
  const staticRouterPath = createRequire(remixServer).resolve("react-router-dom/server");
  const { createStaticHandler, createStaticRouter } = require(staticRouterPath) as typeof RouterServer;

  it("is the patched build that Node loads", () => {
    expect(readFileSync(staticRouterPath, "utf8")).toContain("class StaticDataRouter");
  });

  it("answers as the stock router did: a fresh state from the request's context, and no navigation on the server", async () => {
    const routes = [
      {
        id: "root",
        path: "/",
        loader: () => ({ user: "street" }),
        children: [{ id: "tickets", path: "tickets", loader: () => ({ rows: "[]" }) }],
      },
    ];
    const handler = createStaticHandler(routes);
    const context = await handler.query(new Request("http://localhost/tickets?queue=all"));
    if (context instanceof Response) throw new Error("a redirect");
    const router = createStaticRouter(handler.dataRoutes, context, { future: { v7_relativeSplatPath: true } });
    expect(router.state.loaderData).toEqual({ root: { user: "street" }, tickets: { rows: "[]" } });
    expect(router.state.location.search).toBe("?queue=all");
    expect(router.state.matches.map((m) => m.route.id)).toEqual(["root", "tickets"]);
    expect(router.state).not.toBe(router.state);
    expect(router.routes).toBe(createStaticRouter(handler.dataRoutes, context).routes);
    expect(router.future.v7_relativeSplatPath).toBe(true);
    expect(router.basename).toBe("/");
    expect(router.createHref(new URL("http://localhost/tickets?q=1"))).toBe("/tickets?q=1");
    expect(router.encodeLocation("/tickets/a b")).toEqual({ pathname: "/tickets/a%20b", search: "", hash: "" });
    expect(() => router.navigate(1)).toThrow(/stateless environment/);
    expect(router._internalFetchControllers).not.toBe(
      createStaticRouter(handler.dataRoutes, context)._internalFetchControllers,
    );
  });
});
