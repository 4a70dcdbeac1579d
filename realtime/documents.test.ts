/**
 * What an open document keeps in memory: its Y.Doc, not the rows it was read from.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, beforeEach, expect, it } from "vitest";
import * as Y from "yjs";
import { openTestDatabase, type TestDatabase } from "../tests/helpers/database";
import { createDocumentServer } from "./documents";
import { createDocumentStore, createJournal, type DocumentStore, type StoredDocument } from "./store";

let t: TestDatabase;
let store: DocumentStore;
beforeEach(async () => {
  t = await openTestDatabase();
  store = createDocumentStore(t.database);
});
afterEach(() => t.close());

/** A full collection now (vitest's workers run without --expose-gc). */
function collectGarbage() {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

it("a loaded document does not keep the snapshot and log rows it was read from", async () => {
  const { id } = await store.load("plan:1");
  const source = new Y.Doc();
  const journal = createJournal(store, await store.head(), () => undefined);
  source.on("update", (u: Uint8Array) => journal.append(id, u, () => undefined));
  for (let i = 0; i < 200; i++) source.getText("t").insert(i, "字");
  await journal.drain();

  let read: WeakRef<StoredDocument> | null = null;
  const watched: DocumentStore = {
    ...store,
    async load(name) {
      const stored = await store.load(name);
      read = new WeakRef(stored);
      return stored;
    },
  };
  const server = createDocumentServer(watched, { compactAfterUpdates: 1_000_000, compactLagRows: 1_000_000 });
  const state = await server.state("plan:1");
  const loaded = new Y.Doc();
  Y.applyUpdate(loaded, state);
  expect(loaded.getText("t").length).toBe(200);
  expect(read).not.toBeNull();

  // A WeakRef's target survives the job that read it: collect in a later turn.
  await new Promise((resolve) => setTimeout(resolve, 0));
  collectGarbage();
  expect(read!.deref()).toBeUndefined();
  await server.close();
});
