/**
 * The realtime load bench's clients, in their own process so that they and
 * the server do not share an event loop: `clientsPerDocument` raw `ws`
 * sockets in each document, each sending edits at a steady rate — Yjs
 * updates made by a real Y.Doc before the clock starts — and reading the
 * edit id, (client, clock), of every update it receives to time it from its
 * sending. Speaking the protocol directly keeps a thousand clients to a
 * fraction of a core; a Y.Doc per client would measure the clients.
 *
 * Environment LOAD_CLIENTS: JSON {@link ClientsConfig}. Prints one line,
 * "result <JSON of ClientsResult>", when done.
 */
import { once } from "node:events";
import * as decoding from "lib0/decoding";
import { WebSocket } from "ws";
import * as Y from "yjs";
import { encodeUpdate, MESSAGE_SYNC, SYNC_UPDATE } from "../../realtime/protocol";
import { percentile } from "./lib";

export interface ClientsConfig {
  /** One WebSocket URL per document. */
  urls: string[];
  cookie: string | null;
  clientsPerDocument: number;
  /** Edits per second per client. */
  rate: number;
  /** Measured seconds, after `warmupSeconds` at the same rate. */
  seconds: number;
  warmupSeconds: number;
}

export interface ClientsResult {
  clients: number;
  /** Edits sent in the measured window. */
  sent: number;
  /** Peer deliveries of those edits, and how many were due (each edit to every other client in its document). */
  delivered: number;
  expected: number;
  deliveredPerSecond: number;
  p50: number;
  p99: number;
  /** The client process's CPU over the run ÷ wall time: near 1 means the clients were the limit. */
  clientCpu: number;
}

interface Client {
  ws: WebSocket;
  clientId: number;
  messages: Uint8Array[];
  sentAt: Float64Array;
  next: number;
}

/** (client, clock) of an update message's first struct: [sync, update, length, structs of n clients, client, clock, …]. */
function editId(data: Buffer): [number, number] | null {
  if (data[0] !== MESSAGE_SYNC || data[1] !== SYNC_UPDATE) return null;
  const decoder = decoding.createDecoder(data);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  if (decoding.readVarUint(decoder) === 0) return null;
  decoding.readVarUint(decoder);
  return [decoding.readVarUint(decoder), decoding.readVarUint(decoder)];
}

/** `count` edits of one writer (a map key of its own set again and again); edit i has clock i. */
function edits(count: number) {
  const doc = new Y.Doc();
  const messages: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => messages.push(encodeUpdate(u)));
  const map = doc.getMap<number>("m");
  for (let i = 0; i < count; i++) map.set(String(doc.clientID), i);
  doc.destroy();
  return { clientId: doc.clientID, messages };
}

async function run(config: ClientsConfig): Promise<ClientsResult> {
  const perClient = Math.ceil(config.rate * (config.seconds + config.warmupSeconds)) + 1;
  const clients: Client[] = [];
  for (const url of config.urls) {
    const opening: Promise<unknown>[] = [];
    for (let k = 0; k < config.clientsPerDocument; k++) {
      const ws = new WebSocket(url, config.cookie ? { headers: { cookie: config.cookie } } : {});
      ws.on("error", () => undefined);
      opening.push(once(ws, "open"));
      const made = edits(perClient);
      clients.push({ ws, ...made, sentAt: new Float64Array(perClient), next: 0 });
    }
    await Promise.all(opening);
  }
  const byId = new Map(clients.map((c) => [c.clientId, c]));
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureUntil = Number.POSITIVE_INFINITY;
  const samples: number[] = [];
  let lastAt = 0;
  for (const c of clients) {
    c.ws.on("message", (data: Buffer) => {
      const id = editId(data);
      if (!id || id[0] === c.clientId) return;
      const sent = byId.get(id[0])?.sentAt[id[1]];
      if (!sent || sent < measureFrom || sent > measureUntil) return;
      const now = performance.now();
      samples.push(now - sent);
      lastAt = now;
    });
  }
  // Let the handshakes (sync steps, awareness) settle before the clock starts.
  await new Promise((r) => setTimeout(r, 1_000));

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const total = perClient * clients.length - clients.length;
  const perSecond = config.rate * clients.length;
  let sent = 0;
  let measuredSent = 0;
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (measureFrom === Number.POSITIVE_INFINITY && now - t0 >= config.warmupSeconds * 1000) measureFrom = now;
      const due = Math.min(total, Math.floor(((now - t0) / 1000) * perSecond));
      // Round-robin over the clients: each sends exactly `rate` edits per second, evenly spread.
      while (sent < due) {
        const c = clients[sent % clients.length]!;
        const i = c.next++;
        c.sentAt[i] = performance.now();
        c.ws.send(c.messages[i]!);
        if (c.sentAt[i]! >= measureFrom) measuredSent++;
        sent++;
      }
      if (sent >= total) {
        measureUntil = performance.now();
        clearInterval(timer);
        done();
      }
    }, 2);
  });
  const expected = measuredSent * (config.clientsPerDocument - 1);
  const drainEnd = performance.now() + 10_000;
  while (samples.length < expected && performance.now() < drainEnd) await new Promise((r) => setTimeout(r, 20));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  for (const c of clients) c.ws.close();
  return {
    clients: clients.length,
    sent: measuredSent,
    delivered: samples.length,
    expected,
    deliveredPerSecond: samples.length / ((lastAt - measureFrom) / 1000),
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    clientCpu: (cpu.user + cpu.system) / 1000 / wall,
  };
}

const result = await run(JSON.parse(process.env.LOAD_CLIENTS!) as ClientsConfig);
console.log(`result ${JSON.stringify(result)}`);
process.exit(0);
