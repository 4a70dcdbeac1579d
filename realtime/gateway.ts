/**
 * The door to the realtime server: owns upgrades under /realtime/ and
 * nothing else (other paths — Vite's HMR in development — pass untouched).
 * It authenticates with the same session cookie and validateSessionToken as
 * the web, before any upgrade: no session, no socket.
 *
 * Which documents exist and who may open them is answered by the document
 * kinds registered here (plans arrive with the plans issue); a name no kind
 * claims is 404. Authorised connections are served by the document server
 * (documents.ts), which stores and relays the y-websocket protocol.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Database } from "../db/client";
import { readSessionToken, validateSessionToken } from "../server/identity";
import type { Actor } from "../server/identity/permissions";
import { createDocumentServer, type DocumentServer, type DocumentServerOptions } from "./documents";
import type { Fanout } from "./fanout";
import { createDocumentStore } from "./store";

export const REALTIME_PREFIX = "/realtime/";

export type Access = "edit" | "read" | "none";

export interface DocumentKind {
  /** Claims a document name (e.g. `plan:12`), or returns false. */
  matches(name: string): boolean;
  /** The actor's access to that document, through the permission module. */
  access(actor: Actor, name: string): Promise<Access>;
  /** Serves an authorised connection (usually: hands it to the document server). */
  connect(
    socket: WebSocket,
    ctx: { actor: Actor; name: string; access: Exclude<Access, "none">; documents: DocumentServer },
  ): void;
}

/**
 * A kind of stored, co-edited document: names starting with `prefix` (e.g.
 * `plan:` for `plan:12` and `plan:12:party:3`), rights from `access`, which
 * must answer through the permission module. Each document has its own
 * rights, so content with different editors lives in different documents.
 */
export function createDocumentKind(kind: {
  prefix: string;
  access(actor: Actor, name: string): Promise<Access>;
}): DocumentKind {
  return {
    matches: (name) => name.startsWith(kind.prefix) && name.length > kind.prefix.length,
    access: kind.access,
    connect: (socket, { documents, ...ctx }) => documents.serve(socket, ctx),
  };
}

const reasons: Record<number, string> = {
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
};

/**
 * The security headers every other response carries (decision 0017), for the
 * answers written straight to an upgrade's socket, where Express never runs.
 */
export const RAW_SECURITY_HEADERS =
  "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n" +
  "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: same-origin\r\n";

/** Answers an upgrade with a plain HTTP refusal and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number): void {
  const body = reasons[status] ?? "Error";
  socket.end(
    `HTTP/1.1 ${status} ${body}\r\nConnection: close\r\n${RAW_SECURITY_HEADERS}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function createRealtimeGateway(
  database: Database,
  kinds: DocumentKind[] = [],
  options: Partial<DocumentServerOptions> = {},
  /** Shares the documents with other processes (Redis, decision 0022); closed with the gateway. */
  fanout: Fanout | null = null,
) {
  const documents = createDocumentServer(createDocumentStore(database), options, fanout);
  const wss = new WebSocketServer({ noServer: true, maxPayload: documents.options.maxMessageBytes });

  async function accept(req: IncomingMessage, socket: Duplex, head: Buffer, name: string) {
    const token = readSessionToken(req.headers.cookie);
    const validated = token ? await validateSessionToken(database, token) : null;
    if (!validated) return refuseUpgrade(socket, 401);
    const kind = kinds.find((k) => k.matches(name));
    if (!kind) return refuseUpgrade(socket, 404);
    const access = await kind.access(validated.actor, name);
    if (access === "none") return refuseUpgrade(socket, 403);
    wss.handleUpgrade(req, socket, head, (ws) => kind.connect(ws, { actor: validated.actor, name, access, documents }));
  }

  return {
    /** Returns false, touching nothing, for paths that are not ours. */
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const path = (req.url ?? "").split("?")[0]!;
      if (!path.startsWith(REALTIME_PREFIX)) return false;
      socket.on("error", () => socket.destroy());
      let name: string;
      try {
        name = decodeURIComponent(path.slice(REALTIME_PREFIX.length));
      } catch {
        refuseUpgrade(socket, 404);
        return true;
      }
      accept(req, socket, head, name).catch(() => refuseUpgrade(socket, 500));
      return true;
    },
    options: documents.options,
    /** Server-side reads and changes of documents (plan versions). */
    documents: { state: documents.state, change: documents.change },
    /** Counters of the document server (connections, drops, closes by reason, storage). */
    metrics: () => documents.metrics(),
    /** Compacts and unloads idle documents now. */
    settle: () => documents.settle(),
    /** Closes every connection; resolves once every accepted update is stored. */
    async close(): Promise<void> {
      for (const client of wss.clients) client.close(1001, "server shutting down");
      wss.close();
      await documents.close();
      await fanout?.close();
    },
  };
}
