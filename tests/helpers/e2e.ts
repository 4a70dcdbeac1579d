import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser } from "./browser";
import { startPortal, type TestPortal } from "./portal";

/** A portal and a Chromium for one browser test file, closed after it. */
export function useBrowserAndPortal(): { readonly portal: TestPortal; readonly browser: Browser } {
  const state = {} as { portal: TestPortal; browser: Browser };
  beforeAll(async () => {
    state.portal = await startPortal();
    state.browser = await launchBrowser();
  });
  afterAll(async () => {
    await state.browser?.close();
    await state.portal?.close();
  });
  return state;
}
