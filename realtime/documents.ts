/**
 * The document server (docs/decisions/0012): one in-memory Y.Doc per open
 * document, shared by its connections; y-websocket sync and awareness; the
 * update pipeline "check rights → parse → apply → store → broadcast"; limits
 * on each connection; background compaction; unloading idle documents.
 *
 * Cheap per document and per connection, because a plan page opens one
 * document per party: no timers per document or connection (one heartbeat
 * and one sweep serve all), no y-protocols Awareness object (the server only
 * relays awareness, keeping each client's last entry for newcomers).
 *
 * With a fan-out (Redis, decision 0022) several processes hold the same
 * document: each publishes what it accepted once stored, applies what the
 * others published (without storing or publishing it again), catches up from
 * the database when messages may have been lost, and compacts from the
 * database rather than from its own memory.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { WebSocket } from "ws";
import * as Y from "yjs";
import type { Actor } from "../server/identity/permissions";
import {
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  isEmptyUpdate,
  MalformedMessage,
  parseClientMessage,
  type AwarenessEntry,
} from "./protocol";
import type { Fanout, FanoutMessage } from "./fanout";
import { applyStored, createJournal, type DocumentStore, type Journal, type StoredDocument } from "./store";

/** Close codes: the standard ones where they fit, 44xx (HTTP-like) for ours. */
export const CloseCode = {
  shuttingDown: 1001,
  /** Sent by ws itself when a frame exceeds maxMessageBytes. */
  tooBig: 1009,
  serverError: 1011,
  /** Reading too slowly: the server will not buffer without bound. */
  tooSlow: 1013,
  malformed: 4400,
  flood: 4429,
} as const;

export interface DocumentServerOptions {
  /** Largest frame accepted (the whole sync of a big document must fit). */
  maxMessageBytes: number;
  /** Per connection: sustained messages per second … */
  messagesPerSecond: number;
  /** … and the burst allowed above it (a reconnecting client sends its backlog at once). */
  messageBurst: number;
  /** Per connection: sustained bytes per second, with bursts of a few of the largest frames. */
  bytesPerSecond: number;
  bytesBurst: number;
  /** Bytes queued for a client that does not read before it is disconnected. */
  maxBufferedBytes: number;
  /** A document with no connections leaves memory after this long. */
  unloadAfterMs: number;
  /** Updates stored since the snapshot before a loaded document is compacted. */
  compactAfterUpdates: number;
  /**
   * A document whose oldest update not in its snapshot is this many log rows
   * behind the newest is compacted too: it bounds the log a load scans.
   */
  compactLagRows: number;
  /** Ping interval; a connection that did not answer the previous ping is dropped. */
  heartbeatMs: number;
  log: (line: string) => void;
}

export const defaultDocumentServerOptions: DocumentServerOptions = {
  maxMessageBytes: 2 * 1024 * 1024,
  messagesPerSecond: 500,
  messageBurst: 5_000,
  bytesPerSecond: 1024 * 1024,
  bytesBurst: 8 * 1024 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  unloadAfterMs: 30_000,
  compactAfterUpdates: 1_000,
  compactLagRows: 50_000,
  heartbeatMs: 30_000,
  log: () => undefined,
};

export type ConnectionAccess = "edit" | "read";

interface Connection {
  ws: WebSocket;
  /** For the log. Rights were decided at connect; the actor itself is not kept. */
  username: string;
  access: ConnectionAccess;
  name: string;
  room: Room | null;
  /** Frames that arrived while the document was loading. */
  early: Uint8Array[] | null;
  /** Token buckets: messages and bytes the connection may still send now. */
  tokens: number;
  byteTokens: number;
  refilledAt: number;
  alive: boolean;
  droppedUpdates: number;
  closed: boolean;
  /** Its socket holds this tick's messages back, to write them in one go (`send`). */
  corked: boolean;
}

/** ws keeps the TCP socket private; corking it is the one thing we need from it. */
const socketOf = (ws: WebSocket) => (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;

/** y-protocols' outdatedTimeout: a client that said nothing for this long is gone (clients renew every 15 s). */
const AWARENESS_TIMEOUT_MS = 30_000;

/** Who speaks for an awareness entry: a connection here, or another process (last heard at `seenAt`). */
type AwarenessOwner = Connection | { seenAt: number };

interface Room {
  name: string;
  id: number;
  doc: Y.Doc;
  conns: Set<Connection>;
  /** Each client's last awareness entry, and the connection that speaks for it. */
  awareness: Map<number, AwarenessEntry & { owner: AwarenessOwner }>;
  /** Updates appended but not yet committed: the room may not unload while any are. */
  unsaved: number;
  /** Stored updates the snapshot does not hold yet, and the log id of the first of them. */
  pending: number;
  firstPending: number | null;
  /** While a compaction runs: the first update stored after its state was taken. */
  firstPendingAfterCapture: number | null;
  compaction: "none" | "queued" | "running";
  idleSince: number | null;
  /** The document's `update` listener: stores and announces what a transaction changed. */
  onUpdate: (update: Uint8Array, origin: unknown) => void;
}

/** Transaction origin of updates applied while loading: they are already stored. */
const LOADING = Symbol("loading");
/** Transaction origin of updates another process stored (fan-out, catch-up): tell our clients only. */
const REMOTE = Symbol("remote");

export function createDocumentServer(
  store: DocumentStore,
  options: Partial<DocumentServerOptions> = {},
  fanout: Fanout | null = null,
) {
  const opts: DocumentServerOptions = { ...defaultDocumentServerOptions, ...options };
  const { log } = opts;
  let journal: Journal | null = null;
  let journalReady: Promise<Journal> | null = null;
  const rooms = new Map<string, Room>();
  const loading = new Map<string, Promise<Room>>();
  const connections = new Set<Connection>();
  const counters = {
    connectionsOpened: 0,
    updatesAccepted: 0,
    /** Document updates from read-only connections, dropped. */
    readOnlyUpdatesDropped: 0,
    awarenessRejected: 0,
    closedTooBig: 0,
    closedMalformed: 0,
    closedFlood: 0,
    closedTooSlow: 0,
    documentsLoaded: 0,
    /** Reading and applying a document's snapshot and log, in ms: the last and the slowest load. */
    lastLoadMs: 0,
    slowestLoadMs: 0,
    documentsUnloaded: 0,
    compactions: 0,
    /** Updates other processes stored that changed a document here. */
    remoteUpdatesApplied: 0,
    /** Documents read again from the database because fan-out messages may have been lost. */
    catchUps: 0,
  };
  /** The newest log id this process knows of (its own or another process's). */
  let newestId = 0;
  let compactionQueue: Promise<void> = Promise.resolve();
  let compactedSinceTruncate = false;
  let truncation: Promise<void> | null = null;
  let closing = false;

  /** The journal starts after the log's last id, read once (and again if that read failed). */
  function ready(): Promise<Journal> {
    journalReady ??= store.head().then(
      (head) => {
        newestId = Math.max(newestId, head);
        return (journal = createJournal(store, head, log));
      },
      (error: unknown) => {
        journalReady = null;
        throw error;
      },
    );
    return journalReady;
  }

  // ── rooms ──────────────────────────────────────────────────────────────

  function openRoom(name: string): Promise<Room> {
    const existing = rooms.get(name);
    if (existing) return Promise.resolve(existing);
    let pending = loading.get(name);
    if (!pending) {
      pending = loadRoom(name).finally(() => loading.delete(name));
      loading.set(name, pending);
    }
    return pending;
  }

  async function loadRoom(name: string): Promise<Room> {
    await ready();
    // Subscribe before reading: an update stored after the read is published
    // after it, so it arrives; one stored before is in the read. Messages
    // that arrive meanwhile wait and are applied after (twice is harmless).
    let room: Room | null = null;
    const early: FanoutMessage[] = [];
    // With Redis away this does not wait: the reconnect's catch-up covers this document.
    await fanout?.subscribe(name, (message) => (room ? received(room, message) : early.push(message)));
    const started = performance.now();
    let stored;
    try {
      stored = await store.load(name);
    } catch (error) {
      // The next open subscribes again; this listener would only collect messages.
      fanout?.unsubscribe(name).catch(() => undefined);
      throw error;
    }
    room = createRoom(name, stored);
    rooms.set(name, room);
    for (const message of early) received(room, message);
    early.length = 0;
    counters.documentsLoaded++;
    counters.lastLoadMs = performance.now() - started;
    counters.slowestLoadMs = Math.max(counters.slowestLoadMs, counters.lastLoadMs);
    if (dueForCompaction(room)) void scheduleCompaction(room);
    return room;
  }

  /**
   * The room of a document read from the database. Its own function, so the `update` listener's
   * closure holds the room alone: made inside `loadRoom`, it kept that function's scope alive, the
   * rows read from the log included, for as long as the document stayed in memory.
   */
  function createRoom(name: string, stored: StoredDocument): Room {
    const doc = new Y.Doc();
    applyStored(doc, stored, LOADING);
    const room: Room = {
      name,
      id: stored.id,
      doc,
      conns: new Set(),
      awareness: new Map(),
      unsaved: 0,
      pending: stored.updates.length,
      firstPending: stored.updates[0]?.id ?? null,
      firstPendingAfterCapture: null,
      compaction: "none",
      // Idle until its first connection joins: one that closed while it loaded leaves it idle.
      idleSince: Date.now(),
      onUpdate: (update, origin) => {
        if (origin === REMOTE) broadcast(room, encodeUpdate(update), null);
        else if (origin !== LOADING) accept(room, update, origin as Connection | undefined);
      },
    };
    doc.on("update", room.onUpdate);
    return room;
  }

  /**
   * A client's live edit is stored and sent on as the client encoded it — its very frame, which the
   * strict parse left nothing to add to — not as Yjs encodes it again for the document's `update`
   * event: that encoding was ~10 % of the server's work at 25,000 edits/s (decision 0012), so the
   * listener is off while the edit applies. The bytes hold exactly the edit; one Yjs keeps pending
   * (an earlier edit has not arrived) is stored and sent too, and integrates, on reload and at every
   * peer, once the earlier one does. Should applying fail half way (the parse beforehand makes that
   * unexpected), what did integrate is stored as the document's whole state, so the database never
   * lacks what the document holds.
   */
  function applyEdit(room: Room, frame: Uint8Array, update: Uint8Array, conn: Connection) {
    if (isEmptyUpdate(update)) return;
    room.doc.off("update", room.onUpdate);
    try {
      Y.applyUpdate(room.doc, update, conn);
    } catch (error) {
      accept(room, Y.encodeStateAsUpdate(room.doc), conn);
      throw error;
    } finally {
      room.doc.on("update", room.onUpdate);
    }
    accept(room, update, conn, frame);
  }

  /** An update changed the document: store it, then tell everyone else (in `message`, if it came framed). */
  function accept(room: Room, update: Uint8Array, origin: Connection | undefined, message?: Uint8Array) {
    counters.updatesAccepted++;
    room.unsaved++;
    journal!.append(room.id, update, (id) => {
      room.unsaved--;
      logged(room, id);
      broadcast(room, message ?? encodeUpdate(update), origin ?? null);
      fanout?.publish(room.name, { type: "update", id, update });
    });
  }

  /** A stored update (ours or another process's) the room's snapshot does not hold yet. */
  function logged(room: Room, id: number) {
    newestId = Math.max(newestId, id);
    room.pending++;
    room.firstPending ??= id;
    if (room.compaction === "running") room.firstPendingAfterCapture ??= id;
    if (dueForCompaction(room)) void scheduleCompaction(room);
  }

  function broadcast(room: Room, message: Uint8Array, except: Connection | null) {
    for (const conn of room.conns) if (conn !== except) send(conn, message);
  }

  /** A message from another process holding this document. */
  function received(room: Room, message: FanoutMessage) {
    if (rooms.get(room.name) !== room) return;
    switch (message.type) {
      case "update":
        try {
          Y.applyUpdate(room.doc, message.update, REMOTE);
        } catch (error) {
          log(`realtime: an update published for ${room.name} does not apply (${String(error)})`);
          return;
        }
        counters.remoteUpdatesApplied++;
        logged(room, message.id);
        return;
      case "awareness":
        return relayRemoteAwareness(room, message.frame);
      case "resync":
        return void catchUp(room);
    }
  }

  /**
   * Reads the document from the database and applies what this process
   * lacks: after fan-out messages may have been lost, and before a version
   * is taken. Yjs skips what the document already holds.
   */
  async function catchUp(room: Room): Promise<void> {
    counters.catchUps++;
    try {
      const stored = await store.load(room.name);
      if (rooms.get(room.name) !== room) return;
      applyStored(room.doc, stored, REMOTE);
      const last = stored.updates.at(-1)?.id;
      if (last !== undefined) newestId = Math.max(newestId, last);
    } catch (error) {
      log(`realtime: catching up ${room.name} from the database failed: ${String(error)}`);
    }
  }

  function dueForCompaction(room: Room): boolean {
    if (room.firstPending === null || room.compaction !== "none") return false;
    return room.pending >= opts.compactAfterUpdates || newestId - room.firstPending >= opts.compactLagRows;
  }

  function scheduleCompaction(room: Room): Promise<void> {
    if (room.compaction !== "none") return compactionQueue;
    room.compaction = "queued";
    // One compaction at a time, each in a loop turn of its own, so a burst of busy documents does not
    // crowd out appends. On the embedded file every step resolves at once: without the turn, a
    // hundred documents due together compacted in one turn, and the loop stalled ~300 ms at 25,000
    // edits/s (decision 0012).
    compactionQueue = compactionQueue.then(async () => {
      await yieldToEventLoop();
      const counted = room.pending;
      room.compaction = "running";
      room.firstPendingAfterCapture = null;
      try {
        if (fanout) {
          // Other processes append to this document too, and what they stored
          // may not have reached us yet: merge what the database holds.
          await store.compactStored(room.name);
        } else {
          // Every stored update up to `through` was applied to the document
          // before it was appended, so this state holds all of them (and
          // perhaps later ones, which is harmless: applying an update twice is a no-op).
          await store.compact(room.id, Y.encodeStateAsUpdate(room.doc), journal!.durableId());
        }
        room.pending -= counted;
        room.firstPending = room.pending > 0 ? room.firstPendingAfterCapture : null;
        counters.compactions++;
        compactedSinceTruncate = true;
      } catch (error) {
        log(`realtime: compacting ${room.name} failed (will retry): ${String(error)}`);
      } finally {
        room.compaction = "none";
      }
    });
    return compactionQueue;
  }

  /**
   * Drops log rows that snapshots now hold. One truncation at a time; a call
   * while one runs waits for it and then runs again if compactions happened
   * meanwhile — so `settle` returns with the log truncated, not with a
   * background truncation still going (on a libsql server one takes long
   * enough for a sweep's to be under way).
   */
  function truncate(): Promise<void> {
    if (truncation) return truncation.then(truncate);
    if (!compactedSinceTruncate) return Promise.resolve();
    compactedSinceTruncate = false;
    truncation = store
      .truncate()
      .then(
        () => undefined,
        (error: unknown) => {
          compactedSinceTruncate = true;
          log(`realtime: truncating the update log failed (will retry): ${String(error)}`);
        },
      )
      .finally(() => {
        truncation = null;
      });
    return truncation;
  }

  function sweepRooms(now: number) {
    for (const room of rooms.values()) {
      if (dueForCompaction(room)) {
        void scheduleCompaction(room);
        continue;
      }
      if (room.conns.size > 0 || room.idleSince === null || now - room.idleSince < opts.unloadAfterMs) continue;
      if (room.unsaved > 0 || room.compaction !== "none") continue;
      if (room.pending > 0) {
        // Leave a compacted document behind so the next open reads one row; unload on a later sweep.
        void scheduleCompaction(room);
        continue;
      }
      rooms.delete(room.name);
      room.doc.destroy();
      counters.documentsUnloaded++;
      fanout?.unsubscribe(room.name).catch(() => undefined);
    }
    void truncate();
  }

  /** Entries of other processes' clients that stopped renewing (their process may have died). */
  function expireRemoteAwareness(now: number) {
    for (const room of rooms.values()) {
      for (const [id, entry] of room.awareness) {
        if (isRemote(entry.owner) && now - entry.owner.seenAt > AWARENESS_TIMEOUT_MS) room.awareness.delete(id);
      }
    }
  }

  // ── connections ────────────────────────────────────────────────────────

  function send(conn: Connection, message: Uint8Array) {
    if (conn.closed) return;
    if (conn.ws.bufferedAmount > opts.maxBufferedBytes) {
      counters.closedTooSlow++;
      close(conn, CloseCode.tooSlow, "not reading fast enough");
      return;
    }
    // A committed batch announces every update it holds in one go, and a busy socket gets several:
    // corked until the tick ends, they leave in one write instead of one system call each (Node's
    // advice for a stream written many times in one tick).
    const socket = socketOf(conn.ws);
    if (socket && !conn.corked) {
      conn.corked = true;
      socket.cork();
      process.nextTick(() => {
        conn.corked = false;
        socket.uncork();
      });
    }
    conn.ws.send(message);
  }

  function close(conn: Connection, code: number, reason: string) {
    if (conn.closed) return;
    conn.closed = true;
    conn.ws.close(code, reason);
    // A peer that never completes the closing handshake must not keep the socket.
    setTimeout(() => conn.ws.terminate(), 5_000).unref();
  }

  function leave(conn: Connection) {
    conn.closed = true;
    connections.delete(conn);
    const room = conn.room;
    if (conn.droppedUpdates > 0) {
      log(
        `realtime: ${conn.username} (read-only) left ${conn.name}; ${conn.droppedUpdates} document update(s) from them were dropped`,
      );
    }
    if (!room) return;
    room.conns.delete(conn);
    // The client is gone: tell the others its cursors are too.
    const gone: AwarenessEntry[] = [];
    for (const [id, entry] of room.awareness) {
      if (entry.owner !== conn) continue;
      room.awareness.delete(id);
      gone.push({ clientId: id, clock: entry.clock + 1, json: "null" });
    }
    if (gone.length > 0) {
      const message = encodeAwareness(gone);
      broadcast(room, message, null);
      fanout?.publish(room.name, { type: "awareness", frame: message });
    }
    if (room.conns.size === 0) room.idleSince = Date.now();
  }

  /** Token bucket per connection; false when the connection is over its rate. */
  function withinRate(conn: Connection, bytes: number): boolean {
    const now = performance.now();
    const seconds = (now - conn.refilledAt) / 1000;
    conn.tokens = Math.min(opts.messageBurst, conn.tokens + seconds * opts.messagesPerSecond);
    conn.byteTokens = Math.min(opts.bytesBurst, conn.byteTokens + seconds * opts.bytesPerSecond);
    conn.refilledAt = now;
    if (conn.tokens < 1 || conn.byteTokens < bytes) return false;
    conn.tokens -= 1;
    conn.byteTokens -= bytes;
    return true;
  }

  function onFrame(conn: Connection, frame: Uint8Array) {
    if (conn.closed) return;
    if (!withinRate(conn, frame.byteLength)) {
      counters.closedFlood++;
      log(`realtime: ${conn.username} flooded ${conn.name}; closing the connection`);
      return close(conn, CloseCode.flood, "too many messages");
    }
    if (conn.early) {
      conn.early.push(frame);
      return;
    }
    handle(conn, conn.room!, frame);
  }

  /** A bug, or a document in a state Yjs cannot serve, costs that connection, never the server. */
  function safely(conn: Connection, fn: () => void) {
    try {
      fn();
    } catch (error) {
      log(`realtime: handling a message from ${conn.username} on ${conn.name} failed: ${String(error)}`);
      close(conn, CloseCode.serverError, "internal error");
    }
  }

  function handle(conn: Connection, room: Room, frame: Uint8Array) {
    let message;
    try {
      message = parseClientMessage(frame);
    } catch (error) {
      if (!(error instanceof MalformedMessage)) throw error;
      counters.closedMalformed++;
      log(`realtime: malformed message from ${conn.username} on ${conn.name} (${error.message}); closing`);
      return close(conn, CloseCode.malformed, "malformed message");
    }
    switch (message.type) {
      case "sync-step-1": {
        // Computed now, sent once everything in it is stored: a client is
        // never shown an update the database does not have.
        const reply = encodeSyncStep2(room.doc, message.stateVector);
        journal!.afterDurable(() => send(conn, reply));
        return;
      }
      case "update":
        if (conn.access === "read") {
          if (isEmptyUpdate(message.update)) return;
          counters.readOnlyUpdatesDropped++;
          if (conn.droppedUpdates++ === 0) {
            log(`realtime: dropped a document update from ${conn.username}, read-only on ${conn.name}`);
          }
          return;
        }
        try {
          // A copy: the frame is a view into the socket's read buffer, which Yjs
          // would keep alive for as long as it holds binary content from it.
          if (message.edit) {
            // The update ends the frame (the parse allows no trailing bytes).
            const copy = frame.slice();
            applyEdit(room, copy, copy.subarray(copy.byteLength - message.update.byteLength), conn);
          }
          // Origin = the connection: the update event stores what it changed and sends it to everyone else.
          else Y.applyUpdate(room.doc, message.update.slice(), conn);
        } catch (error) {
          counters.closedMalformed++;
          log(`realtime: update from ${conn.username} on ${conn.name} does not apply (${String(error)}); closing`);
          close(conn, CloseCode.malformed, "malformed update");
        }
        return;
      case "awareness":
        return relayAwareness(conn, room, message.entries, frame);
      case "query-awareness":
        if (room.awareness.size > 0) send(conn, encodeAwareness(room.awareness.values()));
        return;
    }
  }

  function relayAwareness(conn: Connection, room: Room, entries: AwarenessEntry[], frame: Uint8Array) {
    // A client speaks for its own ids only: one that another connection claimed is refused.
    // Another process's entry stops counting once it went quiet: its client
    // may have moved here after that process died.
    const now = Date.now();
    for (const e of entries) {
      const owner = room.awareness.get(e.clientId)?.owner;
      if (!owner || owner === conn) continue;
      if (isRemote(owner) && now - owner.seenAt > AWARENESS_TIMEOUT_MS) continue;
      counters.awarenessRejected++;
      return;
    }
    remember(room, entries, conn);
    broadcast(room, frame, conn);
    fanout?.publish(room.name, { type: "awareness", frame });
  }

  /** An awareness frame another process relayed: its process checked the sender's claims. */
  function relayRemoteAwareness(room: Room, frame: Uint8Array) {
    let message;
    try {
      message = parseClientMessage(frame);
    } catch {
      return;
    }
    if (message.type !== "awareness") return;
    // Ids a connection here speaks for stay ours; the rest are the other process's.
    const entries = message.entries.filter((e) => !isLocal(room.awareness.get(e.clientId)?.owner));
    remember(room, entries, { seenAt: Date.now() });
    broadcast(room, frame, null);
  }

  function remember(room: Room, entries: AwarenessEntry[], owner: AwarenessOwner) {
    for (const e of entries) {
      const current = room.awareness.get(e.clientId);
      if (current && current.clock > e.clock) continue;
      if (e.json === "null") room.awareness.delete(e.clientId);
      else room.awareness.set(e.clientId, { ...e, owner });
    }
  }

  // ── timers ─────────────────────────────────────────────────────────────

  const heartbeat = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }, opts.heartbeatMs);
  heartbeat.unref();
  const sweep = setInterval(
    () => {
      const now = Date.now();
      sweepRooms(now);
      if (fanout) expireRemoteAwareness(now);
    },
    Math.max(100, Math.min(5_000, opts.unloadAfterMs / 4)),
  );
  sweep.unref();

  // Messages may have been lost while Redis was away, both ways: read every
  // document held here again, and ask the other processes to do the same
  // (what we published meanwhile went nowhere).
  fanout?.onReconnect(() => {
    const held = [...rooms.values(), ...loading.values()];
    for (const entry of held) {
      void Promise.resolve(entry).then(
        async (room) => {
          await catchUp(room);
          fanout.publish(room.name, { type: "resync" });
        },
        () => undefined,
      );
    }
  });

  return {
    options: opts,

    /** Serves an authorised WebSocket on document `name`. */
    serve(ws: WebSocket, ctx: { actor: Actor; name: string; access: ConnectionAccess }) {
      const conn: Connection = {
        ws,
        username: ctx.actor.username,
        access: ctx.access,
        name: ctx.name,
        room: null,
        early: [],
        tokens: opts.messageBurst,
        byteTokens: opts.bytesBurst,
        refilledAt: performance.now(),
        alive: true,
        droppedUpdates: 0,
        closed: false,
        corked: false,
      };
      ws.on("error", (error: Error & { code?: string }) => {
        // ws closes the connection itself (1009 for an oversized frame); count why.
        if (error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
          counters.closedTooBig++;
          log(`realtime: ${conn.username} sent a frame over ${opts.maxMessageBytes} bytes on ${conn.name}; closed`);
        } else {
          counters.closedMalformed++;
          log(`realtime: protocol error from ${conn.username} on ${conn.name}: ${error.message}`);
        }
      });
      if (closing) return ws.close(CloseCode.shuttingDown, "server shutting down");
      connections.add(conn);
      counters.connectionsOpened++;
      ws.binaryType = "nodebuffer";
      ws.on("message", (data: Buffer, isBinary: boolean) => {
        if (!isBinary) {
          counters.closedMalformed++;
          return close(conn, CloseCode.malformed, "binary frames only");
        }
        safely(conn, () => onFrame(conn, data));
      });
      ws.on("pong", () => {
        conn.alive = true;
      });
      ws.on("close", () => leave(conn));

      openRoom(conn.name).then(
        (room) => {
          if (conn.closed) return;
          conn.room = room;
          room.conns.add(conn);
          room.idleSince = null;
          send(conn, encodeSyncStep1(room.doc));
          if (room.awareness.size > 0) send(conn, encodeAwareness(room.awareness.values()));
          const early = conn.early!;
          conn.early = null;
          for (const frame of early) {
            if (conn.closed) break;
            safely(conn, () => handle(conn, room, frame));
          }
        },
        (error: unknown) => {
          log(`realtime: loading ${conn.name} failed: ${String(error)}`);
          close(conn, CloseCode.serverError, "document unavailable");
        },
      );
    },

    /**
     * A document's state once every update accepted so far is stored: what
     * its connections have been told (a plan version freezes this).
     */
    async state(name: string): Promise<Uint8Array> {
      const room = await openRoom(name);
      await journal!.drain();
      // What other processes stored belongs to the version too.
      if (fanout) await catchUp(room);
      return Y.encodeStateAsUpdate(room.doc);
    },

    /**
     * Changes a document on the server's own authority (restoring a plan
     * version): stored, then sent to every connection, like a client's
     * update. Resolves once stored.
     */
    async change(name: string, fn: (doc: Y.Doc) => void): Promise<void> {
      const room = await openRoom(name);
      Y.transact(room.doc, () => fn(room.doc));
      await journal!.drain();
    },

    /** Counters for tests and metrics. */
    metrics() {
      return {
        ...counters,
        connections: connections.size,
        documentsInMemory: rooms.size,
        journal: journal?.stats() ?? null,
        fanout: fanout?.metrics() ?? null,
      };
    },

    /** Compacts and unloads every idle document now (tests; shutdown). */
    async settle(): Promise<void> {
      await (await ready()).drain();
      await Promise.all([...rooms.values()].filter((r) => r.pending > 0).map(scheduleCompaction));
      sweepRooms(Number.POSITIVE_INFINITY);
      await truncate();
    },

    /** Closes every connection and waits until every accepted update is stored. */
    async close(): Promise<void> {
      closing = true;
      clearInterval(heartbeat);
      clearInterval(sweep);
      for (const conn of connections) close(conn, CloseCode.shuttingDown, "server shutting down");
      await Promise.allSettled([...loading.values()]);
      await journal?.drain();
      await compactionQueue;
    },
  };
}

export type DocumentServer = ReturnType<typeof createDocumentServer>;

function isRemote(owner: AwarenessOwner | undefined): owner is { seenAt: number } {
  return owner !== undefined && "seenAt" in owner;
}

function isLocal(owner: AwarenessOwner | undefined): owner is Connection {
  return owner !== undefined && !("seenAt" in owner);
}
