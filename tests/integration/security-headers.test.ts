/**
 * Security headers on every kind of response (issue "scale-out", item 5):
 * pages signed in and out, public pages, the API, static files and errors.
 * The CSP's nonce is fresh per response and is the one every script in the
 * page carries; the map base's hosts are allowed only when configured.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentSecurityPolicy, mapSources } from "../../server/http/security-headers";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let portal: TestPortal;
let cookie: string;

beforeAll(async () => {
  portal = await startPortal({ SEED_DEMO: "1" });
  cookie = await signIn(portal.url, "operator");
});
afterAll(() => portal?.close());

const nonceOf = (csp: string) => /'nonce-([^']+)'/.exec(csp)?.[1];

describe("security headers", () => {
  it("are on pages, public pages, the API, static files and errors", async () => {
    const paths = [
      "/",
      "/login",
      "/tickets",
      "/map",
      "/public/councils",
      "/api/openapi.json",
      "/favicon.svg",
      "/nowhere",
    ];
    for (const path of paths) {
      const response = await fetch(portal.url + path, { headers: { cookie }, redirect: "manual" });
      const h = response.headers;
      const csp = h.get("content-security-policy") ?? "";
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
      expect(csp, path).toContain("object-src 'none'");
      expect(h.get("x-frame-options"), path).toBe("DENY");
      expect(h.get("referrer-policy"), path).toBe("same-origin");
      expect(h.get("x-content-type-options"), path).toBe("nosniff");
      await response.arrayBuffer();
    }
  });

  it("give every response its own nonce, carried by every script of the page", async () => {
    const seen = new Set<string>();
    for (let k = 0; k < 3; k++) {
      const response = await fetch(`${portal.url}/tickets`, { headers: { cookie } });
      const nonce = nonceOf(response.headers.get("content-security-policy")!)!;
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(1);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      seen.add(nonce);
    }
    expect(seen.size).toBe(3);
  });

  it("allow the map base's hosts only when one is configured", () => {
    expect(mapSources({})).toEqual([]);
    expect(mapSources({ MAP_TILE_URL: "http://tiles.office.lan:8080/{z}/{x}/{y}.png" })).toEqual([
      "http://tiles.office.lan:8080",
    ]);
    expect(mapSources({ MAPBOX_ACCESS_TOKEN: "pk.x" })).toContain("https://api.mapbox.com");
    const csp = contentSecurityPolicy("n0nce", mapSources({ MAP_TILE_URL: "https://t.example.org/{z}/{x}/{y}" }));
    expect(csp).toContain("img-src 'self' data: blob: https://t.example.org");
    expect(csp).toContain("connect-src 'self' https://t.example.org");
  });
});
