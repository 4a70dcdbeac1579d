/**
 * The browser's connection to a plan (docs/decisions/0015, "The editor"): one
 * stock y-websocket provider for `plan:N` (text, problem list, and everyone's
 * presence) and one per party for `plan:N:party:M` (that party's rows), each
 * with its own rights on the server. Client only: imported by the lazily
 * loaded editor, never by server code.
 *
 * It also answers the two questions the page shows: connected? saved?
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { planDocumentName } from "../../../realtime/plan-document";

/** y-websocket's message type for sync messages, and y-protocols' sync message types. */
const MESSAGE_SYNC = 0;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;

/**
 * How often a connected provider asks for an acknowledgement even when
 * nothing changed. The stock provider drops a connection that received no
 * message for 30 s, and our server sends nothing to a lone editor (its
 * heartbeat is WebSocket pings, which browsers do not surface), so the ask
 * doubles as the keep-alive.
 */
const KEEP_ALIVE_MS = 10_000;

export interface PresenceUser {
  id: number;
  name: string;
  org: string | null;
  /** #rrggbb: the collaboration caret accepts only this form. */
  color: string;
}

/** Which table cell a person is in (awareness field `cell`). */
export interface CellFocus {
  row: string;
  column: string;
}

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline";

export interface LiveSnapshot {
  connection: ConnectionState;
  /** Every local edit of every document is stored on the server. */
  saved: boolean;
  /** Every provider has synced once: the tables and text show the server's content. */
  ready: boolean;
}

const PALETTE = ["#d9480f", "#1971c2", "#2f9e44", "#ae3ec9", "#e67700", "#0c8599", "#c2255c", "#5f3dc4"];

/** A stable colour per person, so everyone sees the same person in the same colour. */
export const colourFor = (userId: number) => PALETTE[userId % PALETTE.length]!;

/**
 * Tracks whether a provider's local edits are stored, by the server's own
 * promise: it answers a sync step 1 with a step 2 only once every update it
 * had accepted before is in the database (realtime/documents.ts, "persist
 * before you promise"), and it handles one connection's frames in order. So
 * a step 1 we send after our edits went out is answered only after they are
 * stored. We count local updates (deletions advance no Yjs clock, so the
 * state vector cannot tell), remember the count each step 1 covers, and pop
 * that count when its step 2 arrives — replies come in the order asked.
 * Edits made offline go out in the provider's reply to the server's step 1
 * after a reconnect, so asks start only after that step 1 was seen.
 */
export class SaveTracker {
  private local = 0;
  private acked = 0;
  /** Counts covered by the step 1s sent on the current socket, oldest first; null = the provider's own. */
  private asked: (number | null)[] = [];
  private serverStepOneSeen = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly keepAlive: ReturnType<typeof setInterval>;

  constructor(
    private readonly provider: WebsocketProvider,
    private readonly changed: () => void,
  ) {
    provider.doc.on("update", this.onUpdate);
    provider.on("status", this.onStatus);
    const handleSync = provider.messageHandlers[MESSAGE_SYNC]!;
    provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, p, emitSynced, type) => {
      const syncType = decoding.peekVarUint(decoder);
      handleSync(encoder, decoder, p, emitSynced, type);
      // emitSynced is false for cross-tab BroadcastChannel messages: only the server's count.
      if (!emitSynced) return;
      if (syncType === SYNC_STEP_1) {
        this.serverStepOneSeen = true;
        // After this handler returns the provider sends its step 2 (our offline edits); ask after it.
        this.schedule(0);
      } else if (syncType === SYNC_STEP_2) {
        const covered = this.asked.shift();
        if (covered != null && covered > this.acked) this.acked = covered;
        if (this.local > this.acked) this.schedule(0);
        this.changed();
      }
    };
    this.keepAlive = setInterval(() => this.ask(), KEEP_ALIVE_MS);
  }

  get saved() {
    return this.acked >= this.local;
  }

  private onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (origin === this.provider) return;
    this.local++;
    // Typing makes many small updates: one ask for a burst is enough.
    this.schedule(300);
    this.changed();
  };

  private onStatus = ({ status }: { status: string }) => {
    // A new socket: it starts with the provider's own step 1, whose reply acknowledges nothing of ours.
    if (status === "connected") this.asked = [null];
    else {
      this.asked = [];
      this.serverStepOneSeen = false;
    }
  };

  private schedule(ms: number) {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ask();
    }, ms);
  }

  private ask() {
    const ws = this.provider.ws;
    if (!this.provider.wsconnected || !this.serverStepOneSeen || !ws || ws.readyState !== ws.OPEN) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, SYNC_STEP_1);
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.provider.doc));
    this.asked.push(this.local);
    ws.send(encoding.toUint8Array(encoder));
  }

  destroy() {
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.keepAlive);
    this.provider.doc.off("update", this.onUpdate);
    this.provider.off("status", this.onStatus);
  }
}

export interface LiveDocument {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

/** The plan's documents, connected; `subscribe` tells when connection or saved state changed. */
export class PlanConnection {
  readonly shared: LiveDocument;
  readonly parties = new Map<number, LiveDocument>();
  private readonly trackers: SaveTracker[] = [];
  private readonly listeners = new Set<() => void>();
  private offline = typeof navigator !== "undefined" && navigator.onLine === false;
  private current: LiveSnapshot | undefined;

  constructor(
    readonly planId: number,
    partyOrgIds: readonly number[],
    readonly user: PresenceUser,
  ) {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/realtime`;
    const open = (name: string): LiveDocument => {
      const doc = new Y.Doc();
      // Cross-tab sync would answer step 1s the server did not: every edit goes through the server.
      const provider = new WebsocketProvider(url, name, doc, { disableBc: true, connect: !this.offline });
      provider.on("status", this.refresh);
      provider.on("sync", this.refresh);
      this.trackers.push(new SaveTracker(provider, this.refresh));
      return { doc, provider };
    };
    this.shared = open(planDocumentName(planId));
    for (const orgId of partyOrgIds) this.parties.set(orgId, open(planDocumentName(planId, orgId)));
    // Presence lives in the shared document's awareness: everyone who opens the plan opens it.
    this.shared.provider.awareness.setLocalStateField("user", user);
    window.addEventListener("offline", this.goOffline);
    window.addEventListener("online", this.goOnline);
    this.current = this.compute();
  }

  private all(): LiveDocument[] {
    return [this.shared, ...this.parties.values()];
  }

  /**
   * A lost network can leave a socket looking open for minutes; the browser's
   * offline event is the quicker truth. Edits made meanwhile stay in the
   * documents and go out when the providers reconnect.
   */
  private goOffline = () => {
    this.offline = true;
    for (const d of this.all()) d.provider.disconnect();
    this.refresh();
  };

  private goOnline = () => {
    this.offline = false;
    for (const d of this.all()) d.provider.connect();
    this.refresh();
  };

  private compute(): LiveSnapshot {
    const providers = this.all().map((d) => d.provider);
    const ready = providers.every((p) => p.synced) || this.current?.ready === true;
    const connected = providers.every((p) => p.wsconnected && p.synced);
    return {
      // Until every document synced once the page is connecting; a later loss is a reconnect.
      connection: this.offline ? "offline" : connected ? "connected" : ready ? "reconnecting" : "connecting",
      saved: this.trackers.every((t) => t.saved),
      ready,
    };
  }

  private refresh = () => {
    const next = this.compute();
    const prev = this.current;
    // Providers report their first status while the constructor is still opening them.
    if (!prev) return;
    if (prev.connection === next.connection && prev.saved === next.saved && prev.ready === next.ready) return;
    this.current = next;
    for (const fn of this.listeners) fn();
  };

  snapshot = () => this.current!;

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  };

  destroy() {
    window.removeEventListener("offline", this.goOffline);
    window.removeEventListener("online", this.goOnline);
    for (const t of this.trackers) t.destroy();
    for (const d of this.all()) {
      d.provider.destroy();
      d.doc.destroy();
    }
    this.listeners.clear();
  }
}
