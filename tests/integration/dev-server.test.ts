import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createPortal, type Portal } from "../../server/app";
import { loadConfig } from "../../server/config";

/**
 * `npm run dev`: Vite in middleware mode on the portal's own port. Its hot
 * reload socket shares the port with /realtime/*, so the realtime gateway
 * must leave every other upgrade alone.
 */
describe("the development server", () => {
  let portal: Portal;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "roundtable-dev-"));
    const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "dev.db")}` });
    portal = await createPortal(config, { dev: true, log: () => undefined });
    port = await portal.listen();
  });

  afterAll(async () => {
    await portal?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("renders pages through Vite", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/login`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("登录圆桌");
  });

  it("leaves Vite's hot-reload upgrade untouched, so it connects on the same port", async () => {
    const hmr = new WebSocket(`ws://127.0.0.1:${port}/`, "vite-hmr");
    const first = await new Promise<string>((resolve, reject) => {
      hmr.once("message", (data) => resolve(String(data)));
      hmr.once("unexpected-response", (_req, res) => reject(new Error(`HMR upgrade refused: ${res.statusCode}`)));
      hmr.once("error", reject);
    });
    expect(JSON.parse(first)).toMatchObject({ type: "connected" });
    hmr.close();
  });

  it("still owns /realtime/*: no session, 401", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/realtime/plan:1`);
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("open", () => reject(new Error("upgraded without a session")));
      ws.once("error", () => undefined);
    });
    expect(status).toBe(401);
  });
});
