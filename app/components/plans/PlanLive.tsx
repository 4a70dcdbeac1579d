/**
 * The live plan: status, presence, the text (TipTap on Yjs) and the lists as
 * tables (docs/decisions/0015, "The editor"). Loaded lazily in the browser
 * only (yjs, y-websocket and ProseMirror have no business on the server).
 */
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { EditorContent, useEditor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { useEffect, useState, useSyncExternalStore } from "react";
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { t } from "~/i18n";
import {
  contentHash,
  documentContent,
  listRows,
  newRow,
  PLAN_TEXT_FIELD,
  planDocumentName,
} from "../../../realtime/plan-document";
import type { ListDefinition } from "../../../server/plans/templates";
import { colourFor, PlanConnection, type CellFocus, type LiveDocument, type PresenceUser } from "./live";

const E = t.plans.editor;

export interface LiveParty {
  orgId: number;
  name: string;
  editable: boolean;
}

export interface PlanLiveProps {
  planId: number;
  lists: ListDefinition[];
  parties: LiveParty[];
  me: { userId: number; name: string; orgName: string | null; editText: boolean };
  /** Told the content hash of what this page shows, whenever it changes (to compare with a version's). */
  onHash?: (hash: string) => void;
}

export default function PlanLive({ planId, lists, parties, me, onHash }: PlanLiveProps) {
  const [connection, setConnection] = useState<PlanConnection | null>(null);
  const partyKey = parties.map((p) => p.orgId).join(",");
  useEffect(() => {
    const c = new PlanConnection(planId, partyKey ? partyKey.split(",").map(Number) : [], {
      id: me.userId,
      name: me.name,
      org: me.orgName,
      color: colourFor(me.userId),
    });
    setConnection(c);
    return () => c.destroy();
  }, [planId, partyKey, me.userId, me.name, me.orgName]);
  if (!connection) return <p className="muted">{E.loading}</p>;
  // A new connection (a party joined) is a new set of documents: the tables' subscriptions start afresh.
  return (
    <Live
      key={[...connection.parties.keys()].join(",")}
      connection={connection}
      lists={lists}
      parties={parties}
      me={me}
      onHash={onHash}
    />
  );
}

/** How long typing may go on before the content hash is computed again. */
const HASH_DEBOUNCE_MS = 400;

/**
 * The content hash of the plan as this page holds it, computed exactly as the
 * server hashes a version (realtime/plan-document.ts), so the page can say at
 * once that the draft no longer equals the version being signed.
 */
function useContentHash(connection: PlanConnection, lists: ListDefinition[], onHash?: (hash: string) => void) {
  const ready = useSyncExternalStore(connection.subscribe, () => connection.snapshot().ready);
  useEffect(() => {
    if (!onHash || !ready) return;
    const keys = (scope: ListDefinition["scope"]) => lists.filter((l) => l.scope === scope).map((l) => l.key);
    const docs = [
      { name: planDocumentName(connection.planId), doc: connection.shared.doc, keys: keys("plan") },
      ...[...connection.parties].map(([orgId, live]) => ({
        name: planDocumentName(connection.planId, orgId),
        doc: live.doc,
        keys: keys("party"),
      })),
    ];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const compute = () => {
      timer = null;
      onHash(contentHash(Object.fromEntries(docs.map((d) => [d.name, documentContent(d.doc, d.keys)]))));
    };
    const later = () => {
      if (!timer) timer = setTimeout(compute, HASH_DEBOUNCE_MS);
    };
    compute();
    for (const d of docs) d.doc.on("update", later);
    return () => {
      if (timer) clearTimeout(timer);
      for (const d of docs) d.doc.off("update", later);
    };
  }, [connection, lists, onHash, ready]);
}

function Live({
  connection,
  lists,
  parties,
  me,
  onHash,
}: Omit<PlanLiveProps, "planId"> & { connection: PlanConnection }) {
  const state = useSyncExternalStore(connection.subscribe, connection.snapshot, connection.snapshot);
  useContentHash(connection, lists, onHash);
  const awareness = connection.shared.provider.awareness;
  const people = usePresence(awareness);
  return (
    <div className="plan-live" data-ready={state.ready}>
      <div className="plan-status" role="status" aria-live="polite">
        <span className={`plan-connection plan-connection-${state.connection}`}>{E.connection[state.connection]}</span>
        <span className="plan-saved" data-saved={state.saved}>
          {state.saved ? E.saved : state.connection === "connected" ? E.saving : E.unsaved}
        </span>
      </div>
      <section className="plan-presence" aria-label={E.online}>
        <strong>{E.online}</strong>
        <ul>
          {uniqueUsers(people).map((u) => (
            <li key={u.id} data-user={u.id}>
              <span className="presence-dot" style={{ backgroundColor: u.color }} aria-hidden="true" />
              {u.name}
              {u.org ? <span className="muted">（{u.org}）</span> : null}
              {u.id === me.userId ? <span className="muted">{E.you}</span> : null}
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="plan-text-heading">
        <h2 id="plan-text-heading">
          {E.textHeading}
          {me.editText ? null : <span className="badge">{E.readOnly}</span>}
        </h2>
        <TextEditor live={connection.shared} user={connection.user} editable={me.editText} />
      </section>
      {lists.map((list) => (
        <ListTable
          key={list.key}
          list={list}
          awareness={awareness}
          people={people}
          sources={
            list.scope === "plan"
              ? [{ key: "shared", live: connection.shared, party: null, editable: me.editText }]
              : // A party that joined since the connection opened shows once the page reconnects with it.
                parties.flatMap((p) => {
                  const live = connection.parties.get(p.orgId);
                  return live ? [{ key: `party-${p.orgId}`, live, party: p.name, editable: p.editable }] : [];
                })
          }
        />
      ))}
    </div>
  );
}

interface Presence {
  clientId: number;
  user: PresenceUser;
  cell: CellFocus | null;
}

/** Everyone in the shared document's awareness who said who they are, re-read on every change. */
function usePresence(awareness: Awareness): Presence[] {
  const read = () =>
    [...awareness.getStates().entries()].flatMap(([clientId, s]) =>
      s.user ? [{ clientId, user: s.user as PresenceUser, cell: (s.cell as CellFocus | undefined) ?? null }] : [],
    );
  const [people, setPeople] = useState(read);
  useEffect(() => {
    const onChange = () => setPeople(read());
    awareness.on("change", onChange);
    onChange();
    return () => awareness.off("change", onChange);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `read` only closes over `awareness`
  }, [awareness]);
  return people;
}

/** One entry per person: the same person in two tabs is one person here. */
function uniqueUsers(people: Presence[]): PresenceUser[] {
  const seen = new Map<number, PresenceUser>();
  for (const p of people) if (!seen.has(p.user.id)) seen.set(p.user.id, p.user);
  return [...seen.values()];
}

function TextEditor({ live, user, editable }: { live: LiveDocument; user: PresenceUser; editable: boolean }) {
  const editor = useEditor(
    {
      // Server rendering has no document to show: the editor appears once connected.
      immediatelyRender: false,
      editable,
      extensions: [
        // Yjs keeps the undo history (per user), so ProseMirror's own is off.
        StarterKit.configure({ undoRedo: false }),
        Collaboration.configure({ document: live.doc, field: PLAN_TEXT_FIELD }),
        CollaborationCaret.configure({ provider: live.provider, user }),
      ],
      editorProps: { attributes: { class: "plan-text", "aria-label": E.textHeading, role: "textbox" } },
    },
    [live, editable],
  );
  return <EditorContent editor={editor} />;
}

interface Source {
  key: string;
  live: LiveDocument;
  /** The party whose rows these are (party lists), or null for the shared list. */
  party: string | null;
  editable: boolean;
}

/** Re-renders when anything in the given arrays changes, deep (a cell typed in a row). */
function useArrays(arrays: Y.Array<Y.Map<string>>[]) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const bump = () => setTick((n) => n + 1);
    for (const a of arrays) a.observeDeep(bump);
    return () => {
      for (const a of arrays) a.unobserveDeep(bump);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the arrays of a list never change identity
  }, arrays);
}

function ListTable({
  list,
  sources,
  awareness,
  people,
}: {
  list: ListDefinition;
  sources: Source[];
  awareness: Awareness;
  people: Presence[];
}) {
  const arrays = sources.map((s) => listRows(s.live.doc, list.key));
  useArrays(arrays);
  const partyColumn = list.scope === "party";
  const headingId = `list-${list.key}-heading`;
  /** Who else is in which cell: "rowId column" → people. */
  const others = new Map<string, PresenceUser[]>();
  for (const p of people) {
    if (p.clientId === awareness.clientID || !p.cell) continue;
    const key = `${p.cell.row} ${p.cell.column}`;
    others.set(key, [...(others.get(key) ?? []), p.user]);
  }
  const focus = (cell: CellFocus | null) => awareness.setLocalStateField("cell", cell);
  const rowCount = arrays.reduce((n, a) => n + a.length, 0);
  return (
    <section className="card plan-list" aria-labelledby={headingId} data-list={list.key}>
      <h2 id={headingId}>{list.title}</h2>
      <div className="table-wrap">
        <table className="plan-table">
          <thead>
            <tr>
              {partyColumn ? <th scope="col">{E.party}</th> : null}
              {list.columns.map((c) => (
                <th key={c.key} scope="col">
                  {c.title}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">{E.removeRow}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rowCount === 0 ? (
              <tr>
                <td colSpan={list.columns.length + (partyColumn ? 2 : 1)} className="muted">
                  {E.noRows}
                </td>
              </tr>
            ) : null}
            {sources.flatMap((source, s) =>
              arrays[s]!.toArray().map((row, i) => {
                const id = row.get("id") ?? `${source.key}-${i}`;
                return (
                  <tr key={id} data-row={id} data-party={source.party ?? undefined}>
                    {partyColumn ? <th scope="row">{source.party}</th> : null}
                    {list.columns.map((c) => {
                      const here = others.get(`${id} ${c.key}`) ?? [];
                      return (
                        <td
                          key={c.key}
                          className={here.length ? "cell-occupied" : undefined}
                          style={here.length ? { boxShadow: `inset 0 0 0 2px ${here[0]!.color}` } : undefined}
                          title={here.map((u) => E.editingHere(u.name)).join("、") || undefined}
                          data-editing={here.map((u) => u.name).join("、") || undefined}
                        >
                          <Cell
                            kind={c.kind}
                            label={`${list.title} ${source.party ?? ""} ${i + 1} ${c.title}`}
                            value={row.get(c.key) ?? ""}
                            editable={source.editable}
                            onChange={(v) => row.set(c.key, v)}
                            onFocus={() => focus({ row: id, column: c.key })}
                            onBlur={() => focus(null)}
                          />
                        </td>
                      );
                    })}
                    <td>
                      {source.editable ? (
                        <button
                          type="button"
                          className="button link-button"
                          aria-label={`${E.removeRowLabel(i + 1)}${source.party ? `（${source.party}）` : ""}`}
                          onClick={() => removeRow(arrays[s]!, id)}
                        >
                          {E.removeRow}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              }),
            )}
          </tbody>
        </table>
      </div>
      <div className="form-actions">
        {sources.map((source, s) =>
          source.editable ? (
            <button key={source.key} type="button" className="button" onClick={() => arrays[s]!.push([newRow({})])}>
              {E.addRow}
              {source.party && sources.length > 1 ? `（${source.party}）` : ""}
            </button>
          ) : null,
        )}
      </div>
    </section>
  );
}

/**
 * Removes a row by its id, looked up when clicked: another person may have
 * added or removed rows since this one was rendered, shifting its index.
 */
function removeRow(rows: Y.Array<Y.Map<string>>, id: string) {
  const index = rows.toArray().findIndex((row) => row.get("id") === id);
  if (index >= 0) rows.delete(index);
}

/** One cell as a plain string in the row's Y.Map; its control follows the column's kind. */
function Cell(props: {
  kind: ListDefinition["columns"][number]["kind"];
  label: string;
  value: string;
  editable: boolean;
  onChange: (value: string) => void;
  onFocus: () => void;
  onBlur: () => void;
}) {
  const { kind, label, value, editable, onChange, onFocus, onBlur } = props;
  const common = { "aria-label": label, onFocus, onBlur };
  if (kind === "status")
    return (
      <select {...common} value={value} disabled={!editable} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{E.statusChoose}</option>
        {Object.entries(E.statuses).map(([k, title]) => (
          <option key={k} value={k}>
            {title}
          </option>
        ))}
      </select>
    );
  return (
    <input
      {...common}
      type={kind === "date" ? "date" : kind === "percent" ? "number" : "text"}
      min={kind === "percent" ? 0 : undefined}
      max={kind === "percent" ? 100 : undefined}
      value={value}
      readOnly={!editable}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}
