/**
 * The y-websocket wire protocol (y-protocols sync + awareness), as the stock
 * `WebsocketProvider` speaks it: every frame is a varuint message type and a
 * body. Incoming frames are decoded strictly — a frame that does not decode
 * completely, has trailing bytes, or carries an update or awareness state
 * that does not parse is malformed — so nothing half-understood reaches a
 * document or another client.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;
export const SYNC_STEP_1 = 0;
export const SYNC_STEP_2 = 1;
export const SYNC_UPDATE = 2;

/** One client's awareness entry: its clock and its state as JSON (`"null"` once it left). */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  json: string;
}

export type ClientMessage =
  | { type: "sync-step-1"; stateVector: Uint8Array }
  /**
   * Sync step 2 and incremental updates are both an update to apply; `edit` marks the incremental
   * ones (a client's live change), which carry only that change. A sync step 2 also repeats the
   * sender's whole delete set.
   */
  | { type: "update"; update: Uint8Array; edit: boolean }
  | { type: "awareness"; entries: AwarenessEntry[] }
  | { type: "query-awareness" };

export class MalformedMessage extends Error {}

/** The update a client with nothing new sends (no structs, empty delete set). */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}

function decodeAwareness(bytes: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(bytes);
  const count = decoding.readVarUint(decoder);
  // Each entry takes at least three bytes: a count beyond that is a lie, not a reason to loop.
  if (count > bytes.length) throw new MalformedMessage("awareness count exceeds the message");
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    JSON.parse(json);
    entries.push({ clientId, clock, json });
  }
  if (decoding.hasContent(decoder)) throw new MalformedMessage("trailing bytes in awareness update");
  return entries;
}

/** Decodes one frame from a client, or throws MalformedMessage. */
export function parseClientMessage(frame: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    let message: ClientMessage;
    if (type === MESSAGE_SYNC) {
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (step === SYNC_STEP_1) {
        Y.decodeStateVector(payload);
        message = { type: "sync-step-1", stateVector: payload };
      } else if (step === SYNC_STEP_2 || step === SYNC_UPDATE) {
        // Parsing the whole update before applying it: Yjs integrates structs
        // before it reads the delete set, so a corrupt tail would otherwise
        // leave half an update in the document.
        Y.decodeUpdate(payload);
        message = { type: "update", update: payload, edit: step === SYNC_UPDATE };
      } else {
        throw new MalformedMessage(`unknown sync step ${step}`);
      }
    } else if (type === MESSAGE_AWARENESS) {
      message = { type: "awareness", entries: decodeAwareness(decoding.readVarUint8Array(decoder)) };
    } else if (type === MESSAGE_QUERY_AWARENESS) {
      message = { type: "query-awareness" };
    } else {
      throw new MalformedMessage(`unknown message type ${type}`);
    }
    if (decoding.hasContent(decoder)) throw new MalformedMessage("trailing bytes");
    return message;
  } catch (error) {
    if (error instanceof MalformedMessage) throw error;
    throw new MalformedMessage(error instanceof Error ? error.message : String(error));
  }
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, SYNC_STEP_1);
  encoding.writeVarUint8Array(encoder, Y.encodeStateVector(doc));
  return encoding.toUint8Array(encoder);
}

/** What the client lacks, given its state vector. */
export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, SYNC_STEP_2);
  encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(doc, stateVector));
  return encoding.toUint8Array(encoder);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, SYNC_UPDATE);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function encodeAwareness(entries: Iterable<AwarenessEntry>): Uint8Array {
  const list = [...entries];
  const body = encoding.createEncoder();
  encoding.writeVarUint(body, list.length);
  for (const e of list) {
    encoding.writeVarUint(body, e.clientId);
    encoding.writeVarUint(body, e.clock);
    encoding.writeVarString(body, e.json);
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(body));
  return encoding.toUint8Array(encoder);
}
