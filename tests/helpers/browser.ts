/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser).
 * The flags keep a headless Chromium from reaching out to the network it
 * does not have here (STACK.md, Browser tests).
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];

export function chromiumPath(): string {
  const found = CANDIDATES.find((p): p is string => !!p && existsSync(p));
  if (!found) throw new Error("Chromium not found: apt-get install -y chromium (tests/run.sh does this as root)");
  return found;
}

/** `extraArgs` take a capability away, e.g. `--disable-webgl` for a device that cannot draw a map. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      ...extraArgs,
    ],
  });
}

/**
 * Collects what the page itself reports as broken, so a test can assert there was none. The page's
 * `goto` first waits for its router to settle: a hard navigation while a form's answer is still
 * reloading the page's data aborts that fetch, and Chromium logs the abort as an error that no person
 * leaving the page would see (it hit a councils test once on a busy machine).
 */
export function watchPageErrors(page: Page): string[] {
  const goto = page.goto.bind(page);
  page.goto = async (...args) => {
    await settled(page);
    return goto(...args);
  };
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
  });
  return problems;
}

/** Waits until the page's router has neither a navigation nor a reload of its data in flight. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const router = (
      window as unknown as { __remixRouter?: { state: { navigation: { state: string }; revalidation: string } } }
    ).__remixRouter;
    return !router || (router.state.navigation.state === "idle" && router.state.revalidation === "idle");
  });
}

/** The problems left once refused forms are set aside: Chromium reports a 400/409 answer as a failed resource, which is the page working. */
export function unexpectedProblems(problems: readonly string[]): string[] {
  return problems.filter((p) => !/Failed to load resource: the server responded with a status of (400|409)/.test(p));
}

type Probe = { kind: "distinct" } | { kind: "pixel"; x: number; y: number };

/**
 * Reads an element's pixels as a person would see them, WebGL included: a
 * screenshot decoded in the page.
 */
async function probeScreenshot(page: Page, locator: Locator, probe: Probe): Promise<number | number[]> {
  const png = (await locator.screenshot()).toString("base64");
  return page.evaluate(
    async ([data, p]) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const c = document.createElement("canvas");
      c.width = image.width;
      c.height = image.height;
      const g = c.getContext("2d")!;
      g.drawImage(image, 0, 0);
      if (p.kind === "pixel") {
        const x = p.x < 0 ? c.width + p.x : p.x;
        const y = p.y < 0 ? c.height + p.y : p.y;
        return Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3));
      }
      const pixels = g.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < pixels.length; i += 4) seen.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
      return seen.size;
    },
    [png, probe] as const,
  );
}

/** How many distinct colours an element shows: a blank map canvas has one or two, a drawn one many. */
export async function distinctColours(page: Page, locator: Locator): Promise<number> {
  return (await probeScreenshot(page, locator, { kind: "distinct" })) as number;
}

/** The [r, g, b] an element shows at (x, y); negative coordinates count from the right and bottom. */
export async function pixelAt(page: Page, locator: Locator, x: number, y: number): Promise<number[]> {
  return (await probeScreenshot(page, locator, { kind: "pixel", x, y })) as number[];
}

/** Waits for an ECharts chart to be drawn: SVG shapes in the DOM and more than a blank frame's colours on screen. */
export async function expectChartDrawn(page: Page, testId: string) {
  const chart = page.locator(`[data-testid="${testId}"]`);
  await expect.poll(() => chart.getAttribute("data-state"), { timeout: 15_000 }).toBe("ready");
  await expect.poll(() => chart.locator("svg path, svg rect").count(), { timeout: 15_000 }).toBeGreaterThan(3);
  await expect.poll(() => distinctColours(page, chart), { timeout: 15_000 }).toBeGreaterThan(8);
}
