/**
 * Fan-out of realtime documents across portal processes through Redis
 * pub/sub (docs/decisions/0022). Each process publishes, on one channel per
 * document, the updates it accepted (after they are stored) and the
 * awareness frames of its clients; every other process holding the document
 * applies them and tells its own clients. Redis carries news, never the
 * record: the database holds every update, so a process that missed
 * messages (Redis restarted, a connection dropped) catches up from it.
 */
import { randomUUID } from "node:crypto";
import { createClient } from "@redis/client";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

export type FanoutMessage =
  /** An update stored by the sender under log id `id`. */
  | { type: "update"; id: number; update: Uint8Array }
  /** An awareness frame (y-websocket message) from one of the sender's clients. */
  | { type: "awareness"; frame: Uint8Array }
  /** The sender may have published into the void: read the document from the database. */
  | { type: "resync" };

const TYPES = ["update", "awareness", "resync"] as const;

export interface Fanout {
  /** This process's id; messages carry it, and a process ignores its own. */
  readonly id: string;
  /** True while the subscriber connection is up. */
  connected(): boolean;
  /**
   * Resolves once `name`'s messages from other processes reach `handler`, or
   * once the connection to Redis is lost (the subscription is restored with
   * it, and `onReconnect` follows): it never waits for Redis to come back.
   */
  subscribe(name: string, handler: (message: FanoutMessage) => void): Promise<void>;
  unsubscribe(name: string): Promise<void>;
  /** Fire and forget: a message that cannot be sent now is dropped (see `onReconnect`). */
  publish(name: string, message: FanoutMessage): void;
  /**
   * Runs after a connection to Redis came back (subscriptions restored):
   * messages may have been lost in between, both ways.
   */
  onReconnect(fn: () => void): void;
  metrics(): { published: number; received: number; dropped: number; reconnects: number };
  close(): Promise<void>;
}

export function encodeFanoutMessage(sender: string, message: FanoutMessage): Buffer {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, TYPES.indexOf(message.type));
  encoding.writeVarString(encoder, sender);
  if (message.type === "update") {
    encoding.writeVarUint(encoder, message.id);
    encoding.writeVarUint8Array(encoder, message.update);
  } else if (message.type === "awareness") {
    encoding.writeVarUint8Array(encoder, message.frame);
  }
  return Buffer.from(encoding.toUint8Array(encoder));
}

export function decodeFanoutMessage(bytes: Uint8Array): { sender: string; message: FanoutMessage } {
  const decoder = decoding.createDecoder(bytes);
  const type = TYPES[decoding.readVarUint(decoder)];
  const sender = decoding.readVarString(decoder);
  switch (type) {
    case "update": {
      const id = decoding.readVarUint(decoder);
      return { sender, message: { type, id, update: decoding.readVarUint8Array(decoder) } };
    }
    case "awareness":
      return { sender, message: { type, frame: decoding.readVarUint8Array(decoder) } };
    case "resync":
      return { sender, message: { type } };
    default:
      throw new Error("unknown fan-out message type");
  }
}

/** Channel names carry the document name as is: Redis channels are binary-safe strings. */
const channel = (name: string) => `roundtable:realtime:${name}`;

/** Reconnect quickly at first, then every 2 s: documents go stale across processes while Redis is away. */
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 2_000);

export async function createRedisFanout(url: string, log: (line: string) => void): Promise<Fanout> {
  const id = randomUUID();
  // Publishing while disconnected fails at once instead of queueing without
  // bound; the publisher says "resync" when it is back.
  const publisher = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy } });
  // A subscriber connection only subscribes (RESP2): the second connection is required.
  const subscriber = createClient({ url, socket: { reconnectStrategy } });
  const listeners = new Map<string, (raw: Buffer) => void>();
  const reconnected: (() => void)[] = [];
  const counts = { published: 0, received: 0, dropped: 0, reconnects: 0 };
  let closing = false;
  // Resolved while the subscriber is down; replaced by a pending one when it is back.
  let subscriberLost!: Promise<void>;
  let markLost: () => void = () => undefined;
  const watchSubscriber = () => {
    subscriberLost = new Promise<void>((resolveLost) => (markLost = resolveLost));
  };
  watchSubscriber();
  subscriber.on("error", () => markLost());
  subscriber.on("end", () => markLost());
  subscriber.on("ready", watchSubscriber);

  for (const [role, client] of [
    ["publisher", publisher],
    ["subscriber", subscriber],
  ] as const) {
    let down = false;
    // Without an error listener the client's errors would crash the process; say it once per outage.
    client.on("error", (error: Error) => {
      if (down || closing) return;
      down = true;
      log(`realtime: Redis ${role} connection lost (${error.message}); reconnecting`);
    });
    client.on("ready", () => {
      if (!down) return;
      down = false;
      counts.reconnects++;
      log(`realtime: Redis ${role} connection back`);
      for (const fn of reconnected) fn();
    });
  }

  await Promise.all([publisher.connect(), subscriber.connect()]);

  function receive(name: string, raw: Buffer, handler: (message: FanoutMessage) => void) {
    let decoded;
    try {
      decoded = decodeFanoutMessage(raw);
    } catch (error) {
      log(`realtime: undecodable fan-out message on ${name}: ${String(error)}`);
      return;
    }
    if (decoded.sender === id) return;
    counts.received++;
    handler(decoded.message);
  }

  return {
    id,
    connected: () => subscriber.isReady,
    async subscribe(name, handler) {
      const listener = (raw: Buffer) => receive(name, raw, handler);
      listeners.set(name, listener);
      const subscribed = subscriber.subscribe(channel(name), listener, true);
      subscribed.catch(() => undefined);
      await Promise.race([subscribed, subscriberLost]);
    },
    async unsubscribe(name) {
      // This listener only: a reload of the document may have subscribed again meanwhile.
      const listener = listeners.get(name);
      listeners.delete(name);
      if (listener) await subscriber.unsubscribe(channel(name), listener, true);
    },
    publish(name, message) {
      if (!publisher.isReady) {
        counts.dropped++;
        return;
      }
      counts.published++;
      publisher.publish(channel(name), encodeFanoutMessage(id, message)).catch(() => {
        // Lost with the connection: the reconnect's resync covers it.
        counts.dropped++;
      });
    },
    onReconnect(fn) {
      reconnected.push(fn);
    },
    metrics: () => ({ ...counts }),
    close() {
      closing = true;
      // Not close(): that waits for queued commands, which a reconnecting
      // connection may never send; what is unsent is news the database holds.
      publisher.destroy();
      subscriber.destroy();
      return Promise.resolve();
    },
  };
}
