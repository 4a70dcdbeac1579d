/**
 * Realtime test helpers: a test document kind (plans do not exist yet) whose
 * rights come from the permission module, and real y-websocket clients
 * (the stock WebsocketProvider over the `ws` package, with a session cookie).
 */
import { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { Database } from "../../db/client";
import { createDocumentKind, type Access } from "../../realtime/gateway";
import { can } from "../../server/identity/permissions";
import { insertSession, SESSION_COOKIE } from "../../server/identity/sessions";
import { userId } from "./database";

/**
 * `test:<orgId>` — the shared text of an organisation's test document:
 * edited by the organisation's managers, read by its members.
 * `test:<orgId>:party:<partyOrgId>` — one party's own rows: edited only by
 * that party's managers, read by members of either organisation. The shape a
 * plan will have (`plan:N`, `plan:N:party:M`), rights per document. An
 * optional `:<label>` suffix names more documents with the same rights (the
 * bench opens a thousand).
 */
export const testKind = createDocumentKind({
  prefix: "test:",
  async access(actor, name): Promise<Access> {
    const match = /^test:(\d+)(?::party:(\d+))?(?::[a-z0-9-]+)?$/.exec(name);
    if (!match) return "none";
    const orgId = Number(match[1]);
    const partyOrgId = match[2] === undefined ? null : Number(match[2]);
    const editorOrg = partyOrgId ?? orgId;
    if (can(actor, "manage:membership", { orgId: editorOrg })) return "edit";
    if (can(actor, "read:organisation", { orgIds: [orgId, partyOrgId] })) return "read";
    return "none";
  },
});

/** A `ws` WebSocket class that sends `cookie` on the upgrade, as a browser would. */
export function cookieWebSocket(cookie: string | null) {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, cookie ? { headers: { cookie } } : {});
    }
  };
}

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Resolves once the provider has synced (again, after a reconnect). */
  synced(): Promise<void>;
  destroy(): void;
}

export function connectClient(port: number, name: string, cookie: string | null, doc = new Y.Doc()): TestClient {
  // In Node, each provider listens for the process's exit until it is destroyed (y-websocket, to say
  // goodbye to its peers). A test with a dozen clients open passes Node's default of ten listeners
  // and prints a leak warning for what is not a leak: the limit follows the clients open.
  process.setMaxListeners(process.getMaxListeners() + 1);
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/realtime`, name, doc, {
    WebSocketPolyfill: cookieWebSocket(cookie) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
  return {
    doc,
    provider,
    synced: () =>
      new Promise<void>((resolveSynced) => {
        if (provider.synced) return resolveSynced();
        const onSync = (synced: boolean) => {
          if (!synced) return;
          provider.off("sync", onSync);
          resolveSynced();
        };
        provider.on("sync", onSync);
      }),
    destroy() {
      provider.destroy();
      doc.destroy();
      process.setMaxListeners(process.getMaxListeners() - 1);
    },
  };
}

/** Resolves when `check()` holds, re-checking on every change of `doc`. */
export function until(doc: Y.Doc, check: () => boolean): Promise<void> {
  return new Promise((resolveUntil) => {
    if (check()) return resolveUntil();
    const onUpdate = () => {
      if (!check()) return;
      doc.off("update", onUpdate);
      resolveUntil();
    };
    doc.on("update", onUpdate);
  });
}

/** Polls `check` until it holds (for state outside a Y.Doc: counters, the database). */
export async function eventually(check: () => boolean | Promise<boolean>, everyMs = 20): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs));
}

/** Answers how an upgrade to `url` ends: the HTTP status of a refusal, or "open". */
export function tryUpgrade(url: string, cookie?: string): Promise<number | "open"> {
  return new Promise((resolveUpgrade, reject) => {
    const ws = new WebSocket(url, cookie ? { headers: { cookie } } : {});
    ws.on("unexpected-response", (_req, res) => {
      resolveUpgrade(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("open", () => {
      ws.close();
      resolveUpgrade("open");
    });
    ws.on("error", reject);
  });
}

/** A session for a seeded user, made directly in the database: "rt_session=…" (no sign-in round trip). */
export async function sessionCookieFor(database: Database, username: string): Promise<string> {
  const id = await userId(database, username);
  const { token } = await database.write((tx) => insertSession(tx, id));
  return `${SESSION_COOKIE}=${token}`;
}
