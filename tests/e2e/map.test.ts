/**
 * The case map in a real Chromium against the real portal and its demo
 * tickets: what is drawn (pixels and rendered features, not divs), clusters
 * that zoom in when clicked, a ticket's panel, filters, the heatmap, and a
 * shared URL that restores the same view. Nothing is fetched from outside.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { deflateSync } from "node:zlib";
import type { Map as MapboxMap } from "mapbox-gl";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { distinctColours, launchBrowser, pixelAt, watchPageErrors } from "../helpers/browser";
import { signedIn, signInAs, useBrowserAndPortal } from "../helpers/e2e";
import { startPortal } from "../helpers/portal";
import { detectHotSpots } from "../../server/insights";

const env = useBrowserAndPortal();
const T = zhCN.map;

/** Signed in, also collecting any request that leaves this server (the map must fetch nothing outside). */
async function signedInWatching(username: string, viewport?: { width: number; height: number }) {
  const session = await signedIn(env, username, viewport);
  const outside: string[] = [];
  session.page.on("request", (r) => {
    if (!r.url().startsWith(env.portal.url) && !/^(blob|data):/.test(r.url())) outside.push(r.url());
  });
  return { ...session, outside };
}

/** Opens the map and waits until its data has been drawn once. */
async function openMap(page: Page, query = "") {
  await page.goto(`${env.portal.url}/map${query}`);
  await page.locator('.case-map[data-state="ready"]').waitFor({ timeout: 20_000 });
  // Over our own base the canvas is hidden until it has drawn its data; "ready" means it shows.
  expect(await page.locator(".case-map canvas.mapboxgl-canvas").evaluate((c) => getComputedStyle(c).visibility)).toBe(
    "visible",
  );
  await page.waitForFunction(() => {
    const map = (window as unknown as { roundtableMap?: { loaded(): boolean } }).roundtableMap;
    return !!map && map.loaded();
  });
}

/** The viewport requests (`/map/points`) the page makes from now on. */
function watchViewportRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/map/points") seen.push(r.url());
  });
  return seen;
}

const totalShown = async (page: Page) =>
  Number((await page.getByTestId("map-total").textContent())!.replace(/\D/g, ""));

/** What mapbox-gl has drawn on a layer: the features' properties and their screen positions. */
function rendered(page: Page, layer: string) {
  return page.evaluate((id) => {
    const map = (window as unknown as { roundtableMap: MapboxMap }).roundtableMap;
    return map.queryRenderedFeatures(undefined, { layers: [id] }).map((f) => {
      const [lon, lat] = (f.geometry as GeoJSON.Point).coordinates as [number, number];
      const at = map.project([lon, lat]);
      return { properties: f.properties as Record<string, unknown>, x: at.x, y: at.y };
    });
  }, layer);
}

/**
 * How far, in pixels, the SVG district outlines lie from where the map itself puts the same points
 * (each district's first vertex), for the districts named or all; and how many outlines there are.
 */
function districtOffset(page: Page, names?: string[]) {
  return page.evaluate(async (names) => {
    const map = (window as unknown as { roundtableMap: MapboxMap }).roundtableMap;
    const geo = (await (await fetch("/geo/beijing-districts.geojson")).json()) as GeoJSON.FeatureCollection<
      GeoJSON.Polygon | GeoJSON.MultiPolygon,
      { name: string }
    >;
    const box = map.getContainer().getBoundingClientRect();
    let worst = 0;
    for (const f of geo.features) {
      if (names && !names.includes(f.properties.name)) continue;
      const path = document.querySelector<SVGPathElement>(`.district-overlay path[data-name="${f.properties.name}"]`)!;
      const g = f.geometry;
      const [lon, lat] = (g.type === "Polygon" ? g.coordinates[0]![0] : g.coordinates[0]![0]![0]) as [number, number];
      const start = path.getPointAtLength(0);
      const screen = new DOMPoint(start.x, start.y).matrixTransform(path.getScreenCTM()!);
      const expected = map.project([lon, lat]);
      worst = Math.max(worst, Math.hypot(screen.x - box.left - expected.x, screen.y - box.top - expected.y));
    }
    return { worst, outlines: document.querySelectorAll(".district-overlay path").length };
  }, names);
}

const zoomOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { roundtableMap: MapboxMap }).roundtableMap.getZoom());

describe("the case map", () => {
  it("draws the demo tickets as clusters offline, and a clicked cluster zooms in and splits", async () => {
    // The map draws hot spots as last detected; the portal's first run may still be going.
    await detectHotSpots(env.portal.portal.database);
    const { context, page, problems, outside } = await signedInWatching("operator");
    const viewports = watchViewportRequests(page);
    await openMap(page);
    // The first view's clusters and the flow came with the page: no request of their own.
    expect(viewports).toEqual([]);
    const canvas = page.locator(".case-map canvas.mapboxgl-canvas");
    await expect.poll(() => distinctColours(page, canvas), { timeout: 15_000 }).toBeGreaterThan(10);

    const total = await totalShown(page);
    expect(total).toBeGreaterThan(1000);
    const clusters = await rendered(page, "ticket-clusters");
    expect(clusters.length).toBeGreaterThan(0);
    // The clusters account for every ticket in view (no single points at city zoom).
    const counted = clusters.reduce((n, c) => n + Number(c.properties.count), 0);
    const singles = await rendered(page, "ticket-points");
    expect(counted + singles.length).toBe(total);
    expect(await page.locator(".cluster-count").count()).toBe(clusters.length);
    expect(await page.locator(".district-label", { hasText: "西城区" }).count()).toBe(1);
    // Names and counts are set in the page's fonts, not mapbox-gl.css's Latin ones (no fallback per character).
    const fonts = await page.evaluate(() =>
      [document.body, document.querySelector(".cluster-count")!, document.querySelector(".district-label")!].map(
        (e) => getComputedStyle(e).fontFamily,
      ),
    );
    expect(new Set(fonts).size).toBe(1);
    // The districts are drawn under the canvas as SVG, where the map puts them (at street zoom too, below).
    expect(await districtOffset(page)).toEqual({ worst: expect.any(Number), outlines: 16 });
    expect((await districtOffset(page)).worst).toBeLessThan(1);
    // The demo's recurring problems are hot spots, drawn under the clusters as discs.
    await expect.poll(async () => (await rendered(page, "hot-spots")).length, { timeout: 15_000 }).toBeGreaterThan(0);
    const hot = await rendered(page, "hot-spots");
    expect(hot.every((h) => String(h.properties.link).startsWith("/insights/hot-spots/"))).toBe(true);

    // Click the biggest cluster: the map zooms to it and shows more, smaller clusters.
    const biggest = clusters.sort((a, b) => Number(b.properties.count) - Number(a.properties.count))[0]!;
    const box = (await canvas.boundingBox())!;
    const before = await zoomOf(page);
    await page.mouse.click(box.x + biggest.x, box.y + biggest.y);
    await expect.poll(() => zoomOf(page), { timeout: 10_000 }).toBeGreaterThan(before + 1);
    // A moved view asks for its own.
    await expect.poll(() => viewports.length).toBeGreaterThan(0);
    await expect
      .poll(
        async () => (await rendered(page, "ticket-clusters")).length + (await rendered(page, "ticket-points")).length,
      )
      .toBeGreaterThan(1);
    await expect.poll(() => new URL(page.url()).searchParams.get("v")).toMatch(/^116\.\d+,39\.\d+,\d+\.\d+$/);

    // At street zoom on a corner of 西城区, the outline still lies where the map puts it.
    await page.evaluate(async () => {
      const map = (window as unknown as { roundtableMap: MapboxMap }).roundtableMap;
      const geo = await (await fetch("/geo/beijing-districts.geojson")).json();
      const xicheng = geo.features.find((f: { properties: { name: string } }) => f.properties.name === "西城区");
      const g = xicheng.geometry;
      map.jumpTo({ center: g.type === "Polygon" ? g.coordinates[0][0] : g.coordinates[0][0][0], zoom: 17.3 });
    });
    expect((await districtOffset(page, ["西城区"])).worst).toBeLessThan(1);

    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows hot spots only to those who may read insights", async () => {
    await detectHotSpots(env.portal.portal.database);
    const { context, page, problems } = await signedInWatching("property");
    await openMap(page);
    expect(await rendered(page, "hot-spots")).toEqual([]);
    // Not drawn, and not sent either: the page's data names no hot spot.
    expect(await page.content()).not.toContain("/insights/hot-spots/");
    expect((await rendered(page, "ticket-clusters")).length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("opens a ticket's panel from its point at street zoom, and a shared URL restores filters and view", async () => {
    const { context, page, problems } = await signedInWatching("operator");
    // 西河沿社区 at street zoom, complaints only.
    await openMap(page, "?v=116.3925,39.8975,17&type=complaint");
    expect(await zoomOf(page)).toBeCloseTo(17, 1);
    expect(await page.locator("#map-type").inputValue()).toBe("complaint");
    expect(await page.locator("details.filters summary").textContent()).toBe(T.filtersApplied(1));
    const complaints = await totalShown(page);
    const points = await rendered(page, "ticket-points");
    expect(points.length).toBeGreaterThan(0);

    const canvas = page.locator(".case-map canvas.mapboxgl-canvas");
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    const target =
      points.find((p) => p.x > 40 && p.y > 40 && p.x < box.width - 380 && p.y < box.height - 40) ?? points[0]!;
    await page.mouse.click(box.x + target.x, box.y + target.y);
    const panel = page.locator(".map-panel");
    await expect.poll(() => panel.locator("h2").textContent(), { timeout: 10_000 }).toContain(T.panel.ticket);
    const link = panel.getByRole("link", { name: T.panel.open });
    expect(await link.getAttribute("href")).toBe(`/tickets/${target.properties.ticketId}`);
    await panel.getByRole("button", { name: T.panel.close }).click();
    expect(await panel.count()).toBe(0);

    // Without the type filter the same view holds more tickets.
    await openMap(page, "?v=116.3925,39.8975,17");
    expect(await totalShown(page)).toBeGreaterThan(complaints);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("turns the heatmap on and off, and filters through the form", async () => {
    const { context, page, problems } = await signedInWatching("operator");
    await openMap(page);
    const all = await totalShown(page);
    const visibility = () =>
      page.evaluate(() =>
        (window as unknown as { roundtableMap: MapboxMap }).roundtableMap.getLayoutProperty(
          "ticket-heat",
          "visibility",
        ),
      );
    expect(await visibility()).toBe("none");
    await page.getByLabel(T.heatmap).check();
    expect(await visibility()).toBe("visible");
    expect(new URL(page.url()).searchParams.get("heat")).toBe("1");
    await page.getByLabel(T.heatmap).uncheck();
    expect(await visibility()).toBe("none");

    const viewports = watchViewportRequests(page);
    await page.locator("details.filters summary").click();
    await page.locator("#map-status").selectOption("closed");
    await page.getByRole("button", { name: T.apply }).click();
    await page.waitForURL(/status=closed/);
    await expect.poll(() => totalShown(page), { timeout: 10_000 }).toBeLessThan(all);
    expect(await totalShown(page)).toBeGreaterThan(0);
    // The filtered clusters came with the navigation's data, for the view the form carried.
    expect(viewports).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows the flow band, filters by a stage, and draws a selected case's lines to its parties", async () => {
    const { context, page, problems } = await signedInWatching("operator");
    await openMap(page);
    const band = page.getByRole("navigation", { name: T.flow.label });
    const countOf = async (stage: string) =>
      Number((await band.locator(`a[data-stage="${stage}"] strong`).textContent())!.replace(/\D/g, ""));
    await expect.poll(() => countOf("review")).toBe(1);
    expect(await countOf("whistle")).toBe(1);
    expect(await countOf("implementation")).toBe(1);
    // 未诉先办: this year's three demo monthly problems (last year's is closed); with the four councils, seven cases.
    expect(await countOf("proactive")).toBe(3);
    await expect.poll(async () => (await rendered(page, "case-markers")).length).toBe(7);
    // Where the councils meet: the three demo councils' meetings, each at its community's room.
    expect((await rendered(page, "meeting-places")).length).toBe(3);
    const all = await totalShown(page);

    // 评价: the 西河沿 council alone, and only the tickets it settles.
    await band.locator('a[data-stage="review"]').click();
    await page.waitForURL(/stage=review/);
    await page.locator('.case-map[data-state="ready"]').waitFor();
    await expect.poll(async () => (await rendered(page, "case-markers")).length, { timeout: 10_000 }).toBe(1);
    expect((await rendered(page, "meeting-places")).map((f) => f.properties.status)).toEqual(["held"]);
    await expect.poll(() => totalShown(page)).toBeLessThan(all);
    expect(await band.locator('a[data-stage="review"]').getAttribute("aria-current")).toBe("true");

    // Select the case: its panel lists the parties, and lines run to those placed elsewhere.
    const [marker] = await rendered(page, "case-markers");
    const canvas = page.locator(".case-map canvas.mapboxgl-canvas");
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + marker!.x, box.y + marker!.y);
    const panel = page.locator(".map-panel");
    await expect.poll(() => panel.locator("h2").textContent()).toMatch(/^西河沿/);
    expect(await panel.locator(".case-parties li").count()).toBeGreaterThan(2);
    expect(await panel.locator(".case-meetings li").textContent()).toMatch(/西河沿停车议事会.*西河沿社区居委会会议室/);
    expect(await panel.getByRole("link", { name: T.case.open }).getAttribute("href")).toMatch(/^\/councils\/\d+$/);
    const lines = () =>
      page.evaluate(
        () =>
          (window as unknown as { roundtableMap: MapboxMap }).roundtableMap.queryRenderedFeatures(undefined, {
            layers: ["party-lines"],
          }).length,
      );
    await expect.poll(lines).toBeGreaterThan(0);
    // Closed, the panel takes its lines with it: no case selected, no line layer (decision 0013).
    await panel.getByRole("button", { name: T.panel.close }).click();
    await expect
      .poll(() =>
        page.evaluate(
          () => !!(window as unknown as { roundtableMap: MapboxMap }).roundtableMap.getLayer("party-lines"),
        ),
      )
      .toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows a street office only its own area, and fits a phone with a bottom sheet", async () => {
    const operator = await signedInWatching("operator");
    await openMap(operator.page);
    const all = await totalShown(operator.page);
    await operator.context.close();

    const { context, page, problems } = await signedInWatching("street", { width: 390, height: 844 });
    // From the home page: the map opens on the street's area, filtered to it.
    await page.getByRole("link", { name: zhCN.home.mapOfArea }).click();
    await page.waitForURL(/\/map\?regionCode=110102013$/);
    await page.locator('.case-map[data-state="ready"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => zoomOf(page)).toBeGreaterThan(13);
    await openMap(page);
    const own = await totalShown(page);
    expect(own).toBeGreaterThan(0);
    expect(own).toBeLessThan(all);
    await openMap(page, "?v=116.3925,39.8975,17");
    const points = await rendered(page, "ticket-points");
    expect(points.length).toBeGreaterThan(0);
    const box = (await page.locator(".case-map canvas.mapboxgl-canvas").boundingBox())!;
    const target =
      points.find((p) => p.x > 30 && p.y > 30 && p.x < box.width - 60 && p.y < box.height - 30) ?? points[0]!;
    await page.mouse.click(box.x + target.x, box.y + target.y);
    const panel = page.locator(".map-panel");
    await panel.waitFor();
    const sheet = (await panel.boundingBox())!;
    expect(Math.round(sheet.width)).toBe(390);
    expect(Math.round(sheet.y + sheet.height)).toBe(844);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("says so where the browser cannot draw a map (no WebGL), and the rest of each page still works", async () => {
    const browser = await launchBrowser(["--disable-webgl"]);
    try {
      const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const problems = watchPageErrors(page);
      await signInAs(page, env.portal.url, "operator");
      await page.goto(`${env.portal.url}/map`);
      await page.locator('.case-map[data-state="unavailable"]').waitFor({ timeout: 20_000 });
      expect(await page.locator(".case-map .map-status").textContent()).toBe(T.unavailable);
      expect(await page.locator(".case-map .map-canvas").isVisible()).toBe(false);
      // The flow band came with the page and still counts the cases.
      const band = page.getByRole("navigation", { name: T.flow.label });
      expect(await band.locator('a[data-stage="review"] strong').textContent()).toBe("1");
      // Intake's map pick falls back to the area fields.
      await page.goto(`${env.portal.url}/tickets/new`);
      await page.locator('.map-frame[data-state="unavailable"]').waitFor({ timeout: 20_000 });
      expect(await page.locator(".map-frame .map-status").textContent()).toBe(zhCN.tickets.map.unavailable);
      // mapbox-gl reports the failed context on the console itself; nothing else went wrong.
      expect(problems.filter((p) => !p.includes("Failed to initialize WebGL"))).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});

/** A solid 256×256 PNG: what a tile server on the office network would hand out. */
function solidPng(rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(256, 0);
  header.writeUInt32BE(256, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: 256 }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: 256 }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("the case map over a configured tile server", () => {
  it("draws MAP_TILE_URL's tiles under the clusters", async () => {
    const tile = solidPng([40, 160, 90]);
    const asked: string[] = [];
    const tiles = createServer((req, res) => {
      asked.push(req.url ?? "");
      res.writeHead(200, { "Content-Type": "image/png", "Access-Control-Allow-Origin": "*" });
      res.end(tile);
    });
    await new Promise<void>((resolve) => tiles.listen(0, "127.0.0.1", resolve));
    const port = (tiles.address() as AddressInfo).port;
    const portal = await startPortal({ MAP_TILE_URL: `http://127.0.0.1:${port}/tiles/{z}/{x}/{y}.png` });
    try {
      const context = await env.browser.newContext({ locale: "zh-CN", viewport: { width: 1024, height: 800 } });
      const page = await context.newPage();
      const problems = watchPageErrors(page);
      await signInAs(page, portal.url, "operator");
      await page.goto(`${portal.url}/map`);
      await page.locator('.case-map[data-state="ready"]').waitFor({ timeout: 20_000 });
      await expect.poll(() => asked.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(asked[0]).toMatch(/^\/tiles\/\d+\/\d+\/\d+\.png$/);
      // The tile's green shows on the canvas, and the clusters are drawn over it.
      const canvas = page.locator(".case-map canvas.mapboxgl-canvas");
      await expect.poll(() => pixelAt(page, canvas, 4, -4), { timeout: 15_000 }).toEqual([40, 160, 90]);
      expect((await rendered(page, "ticket-clusters")).length).toBeGreaterThan(0);
      expect(problems).toEqual([]);
      await context.close();
    } finally {
      await portal.close();
      tiles.close();
    }
  });
});
