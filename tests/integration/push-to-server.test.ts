/**
 * `npm run db:push-to-server` (issue 8, item 1): an embedded database holding
 * the demo (tickets, councils, search index, rate rollups) is pushed to a
 * real, empty libsql server; a portal started on the server then shows the
 * same tickets, finds them by full-text search, counts the same rollups, and
 * takes new tickets. A second push onto the now-filled server is refused.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { listTickets } from "../../server/tickets";
import { actorOf } from "../helpers/database";
import { get } from "../helpers/http";
import { signIn, startPortal } from "../helpers/portal";
import { startSqld, type Sqld } from "../helpers/sqld";

let dir: string;
let sqld: Sqld;
let file: string;

const push = (path: string) =>
  spawnSync(process.execPath, ["--import", "tsx", "server/ops/cli.ts", "push", path], {
    // As the README says it (over the WebSocket transport); the checks below read over HTTP.
    env: { ...process.env, DATABASE_URL: sqld.url.replace(/^http:/, "ws:"), DATABASE_AUTH_TOKEN: "" },
    encoding: "utf8",
  });

/** Everything a person would compare: tickets as the operator lists them, search hits, rollups. */
async function portrait(url: string) {
  const database = await openDatabase(url);
  try {
    const operator = await actorOf(database, "operator");
    const list = await listTickets(database, operator, { limit: 200 });
    const searched = await listTickets(database, operator, { q: "停车", limit: 200 });
    const counted = await database.client.execute("SELECT count(*) AS n FROM tickets");
    const rollups = await database.client.execute(
      "SELECT count(*) AS n, sum(dispatched) AS d, sum(resolved) AS r FROM ticket_rate_rollups",
    );
    const volume = await database.client.execute("SELECT count(*) AS n, sum(n) AS total FROM ticket_volume_rollups");
    return {
      tickets: list.rows.map((t) => [t.number, t.status, t.summary]),
      total: Number(counted.rows[0]!.n),
      searched: searched.rows.map((t) => t.number),
      rollups: rollups.rows[0],
      volume: volume.rows[0],
    };
  } finally {
    database.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "roundtable-push-test-"));
  file = join(dir, "embedded.db");
  // The embedded portal seeds the demo as `npm run demo` does.
  const embedded = await startPortal({ DATABASE_URL: `file:${file}`, HOT_SPOT_DETECTION: "0" });
  await embedded.close();
  sqld = await startSqld();
});

afterAll(async () => {
  await sqld?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run db:push-to-server", () => {
  it("copies the embedded database to the server, and the portal there sees the same tickets", async () => {
    const run = push(file);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/pushed file:.* tables, \d+ rows/);

    const before = await portrait(`file:${file}`);
    expect(before.total).toBeGreaterThan(10);
    expect(before.searched.length).toBeGreaterThan(0);
    expect(await portrait(sqld.url)).toEqual(before);

    const portal = await startPortal({ DATABASE_URL: sqld.url, HOT_SPOT_DETECTION: "0" });
    try {
      const cookie = await signIn(portal.url, "operator");
      const page = await get(`${portal.url}/tickets?queue=all`, { cookie });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(String(before.tickets[0]![0]));
    } finally {
      await portal.close();
    }
    // A CLI run, two reads of the whole demo and a portal start: more than the suite's 30 s on a busy machine.
  }, 120_000);

  it("refuses a server that already holds a database, and leaves it as it was", async () => {
    const before = await portrait(sqld.url);
    const run = push(file);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("already holds a database");
    expect(await portrait(sqld.url)).toEqual(before);
  });
});
