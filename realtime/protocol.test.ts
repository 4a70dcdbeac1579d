/**
 * The wire protocol against y-protocols' own encoders (what the stock
 * WebsocketProvider sends), and the strictness that keeps half-understood
 * frames away from documents and other clients.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { encodeAwareness, encodeSyncStep2, isEmptyUpdate, MalformedMessage, parseClientMessage } from "./protocol";

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

function editedDoc() {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, "一方案三清单");
  doc.getArray("rows").push([{ party: 1 }]);
  return doc;
}

describe("parseClientMessage reads what the stock provider sends", () => {
  it("sync step 1, sync step 2 and updates", () => {
    const doc = editedDoc();
    const step1 = parseClientMessage(
      frame((e) => {
        encoding.writeVarUint(e, 0);
        syncProtocol.writeSyncStep1(e, doc);
      }),
    );
    expect(step1).toEqual({ type: "sync-step-1", stateVector: Y.encodeStateVector(doc) });

    const step2 = parseClientMessage(
      frame((e) => {
        encoding.writeVarUint(e, 0);
        syncProtocol.writeSyncStep2(e, doc, new Uint8Array([0]));
      }),
    );
    // A sync step 2 is an update to apply, but not a live edit (it repeats the sender's delete set).
    expect(step2).toMatchObject({ type: "update", edit: false });
    const copy = new Y.Doc();
    Y.applyUpdate(copy, (step2 as { update: Uint8Array }).update);
    expect(copy.getText("t").toString()).toBe("一方案三清单");

    const update = Y.encodeStateAsUpdate(doc);
    expect(
      parseClientMessage(
        frame((e) => {
          encoding.writeVarUint(e, 0);
          syncProtocol.writeUpdate(e, update);
        }),
      ),
    ).toEqual({ type: "update", update, edit: true });
  });

  it("awareness and awareness queries; our awareness encoding reads back", () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ user: { name: "张丽华" } });
    const message = parseClientMessage(
      frame((e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]));
      }),
    );
    expect(message).toEqual({
      type: "awareness",
      entries: [{ clientId: doc.clientID, clock: 1, json: JSON.stringify({ user: { name: "张丽华" } }) }],
    });
    if (message.type !== "awareness") throw new Error("unreachable");
    expect(parseClientMessage(encodeAwareness(message.entries))).toEqual(message);
    expect(parseClientMessage(new Uint8Array([3]))).toEqual({ type: "query-awareness" });
    awareness.destroy();
  });

  it("what the server sends, the provider's sync protocol applies", () => {
    const doc = editedDoc();
    const client = new Y.Doc();
    const reply = encodeSyncStep2(doc, Y.encodeStateVector(client));
    const decoder = decoding.createDecoder(reply);
    expect(decoding.readVarUint(decoder)).toBe(0);
    syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), client, null);
    expect(client.getText("t").toString()).toBe("一方案三清单");
  });
});

describe("parseClientMessage refuses anything it does not fully understand", () => {
  const update = Y.encodeStateAsUpdate(editedDoc());
  const updateFrame = frame((e) => {
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, update);
  });
  const cases: [string, Uint8Array][] = [
    ["an empty frame", new Uint8Array([])],
    ["an unknown message type", new Uint8Array([9, 0])],
    ["an auth message (clients never send one)", new Uint8Array([2, 0])],
    ["an unknown sync step", new Uint8Array([0, 7, 0])],
    ["trailing bytes", new Uint8Array([...updateFrame, 0])],
    ["a truncated update", updateFrame.slice(0, updateFrame.length - 3)],
    ["a declared length beyond the frame", new Uint8Array([0, 2, 0xff, 0xff, 0x03, 1, 2])],
    ["an update that does not decode", new Uint8Array([0, 2, 4, 1, 200, 200, 200])],
    ["a state vector that does not decode", new Uint8Array([0, 0, 2, 5, 1])],
    [
      "awareness state that is not JSON",
      frame((e) => {
        encoding.writeVarUint(e, 1);
        const body = encoding.createEncoder();
        encoding.writeVarUint(body, 1);
        encoding.writeVarUint(body, 7);
        encoding.writeVarUint(body, 1);
        encoding.writeVarString(body, "{not json");
        encoding.writeVarUint8Array(e, encoding.toUint8Array(body));
      }),
    ],
    ["an awareness count larger than the message", new Uint8Array([1, 3, 0xff, 0xff, 0x7f])],
  ];
  it.each(cases)("%s", (_label, bytes) => {
    expect(() => parseClientMessage(bytes)).toThrow(MalformedMessage);
  });
});

it("recognises the update a client with nothing new sends", () => {
  const doc = editedDoc();
  expect(isEmptyUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).toBe(true);
  expect(isEmptyUpdate(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)))).toBe(true);
  expect(isEmptyUpdate(Y.encodeStateAsUpdate(doc))).toBe(false);
});
