import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type Client } from "@libsql/client";
import NativeDatabase from "libsql";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { SAFETY_NET_PAGES, startCheckpointer, type Checkpointer } from "./checkpointer";
import * as schema from "./schema";

export type Db = LibSQLDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Something queries can run on: the database or an open transaction. */
export type Queryable = Db | Tx;

/**
 * A query that drizzle builds once per database and then runs with its
 * placeholders (`sql.placeholder`), for the statements every request runs:
 * drizzle spent 35–70 µs building each one anew (decision 0026, session 25).
 */
export function preparedQuery<Q>(build: (db: Db) => Q): (db: Db) => Q {
  const built = new WeakMap<Db, Q>();
  return (db) => {
    let query = built.get(db);
    if (!query) built.set(db, (query = build(db)));
    return query;
  };
}
export type NativeStatement = NativeDatabase.Statement<unknown[]>;

export interface Database {
  db: Db;
  client: Client;
  /** Where it lives, for a worker thread that opens a connection of its own. */
  url: string;
  authToken?: string;
  /** True for `file:` URLs: the embedded default. */
  embedded: boolean;
  /**
   * Runs `fn` in one write transaction. Writes are serialised in-process:
   * the embedded driver busy-waits synchronously on a locked file, so two
   * interleaved write transactions on one event loop would stall each other
   * until the busy timeout. Every service write goes through here.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * `write` for a bulk loader that has checked every reference it stores
   * itself (the import, decision 0008): on an embedded file it runs on a
   * connection of its own with foreign-key enforcement off — per-row
   * foreign-key checks cost more than the row's insert. Serialised with every other write. Elsewhere
   * (`:memory:`, a libsql server) it is `write`.
   */
  bulkWrite<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * `write` for a hot path of small transactions (the realtime journal's appends, decision 0012):
   * `fn` runs synchronously in one transaction on a native connection of its own that keeps its
   * prepared statements — the driver and drizzle prepared five statements and built a transaction
   * object for every write, ~0.3 ms of CPU each. Serialised with every other write. Null where
   * there is no such connection (`:memory:`, a libsql server, a replica): use `write` there.
   */
  writeStatements: (<T>(fn: (statement: (sql: string) => NativeStatement) => T) => Promise<T>) | null;
  /** True when the database answers a trivial query within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** The background checkpointer, when `checkpointInBackground` started one. */
  checkpointer: Checkpointer | null;
  /** Runs `listener` when the database is closed (e.g. to stop a worker thread reading it). */
  onClose(listener: () => void): void;
  close(): void;
}

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), "migrations");

/** Busy timeout for the embedded file: another process (a backup, `npm run seed`) may hold the lock. */
const BUSY_TIMEOUT_MS = 5_000;
/**
 * Longest a request to a libsql server may take. The client's fetch has no
 * limit of its own, so a server that stops answering (frozen, or a network
 * that drops packets) would hold every query — and the write queue behind
 * it — forever; generous, as a report over a year of tickets takes seconds.
 */
const SERVER_REQUEST_TIMEOUT_MS = 30_000;
const PING_DEFAULT_TIMEOUT_MS = 5_000;

const fetchWithTimeout = (input: string | URL | Request, init?: RequestInit) =>
  fetch(input, { ...init, signal: AbortSignal.timeout(SERVER_REQUEST_TIMEOUT_MS) });

/**
 * An embedded replica: a local file that pulls a libsql server's changes, so
 * reads cost what a local file costs (decision 0020; the replica bench reads
 * from one). The portal itself does not open replicas yet.
 */
export interface ReplicaOptions {
  /** The libsql server this file replicates. */
  syncUrl: string;
  /** Seconds between pulls from the server. */
  syncInterval: number;
}

export interface OpenOptions {
  replica?: ReplicaOptions;
  /**
   * False for a second connection to a database the process has opened (a
   * worker thread's): its schema is migrated already, and a bundled worker
   * has no migrations folder next to it.
   */
  migrate?: boolean;
  /**
   * Copy the WAL back in a worker thread instead of in whichever commit passes 1,000 pages (embedded
   * file only; db/checkpointer.ts). For the portal's long-lived process, not for short-lived tools.
   */
  checkpointInBackground?: boolean;
}

export async function openDatabase(
  url: string,
  authToken?: string,
  { replica, migrate: migrating = true, checkpointInBackground = false }: OpenOptions = {},
): Promise<Database> {
  const embedded = url.startsWith("file:") || url === ":memory:";
  /** The file of a `file:` URL (also what the native connection below opens). */
  const path = url.startsWith("file:") ? url.slice("file:".length).split("?")[0]! : null;
  if (path && path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const separateConnection = url.startsWith("file:") && !url.includes(":memory:") && !replica;
  const background = separateConnection && checkpointInBackground;
  /**
   * What every connection that writes to the embedded file is set to: commits without an fsync (WAL
   * stays durable against a process crash), and with a background checkpointer, the connection's own
   * checkpoint only as a safety net (db/checkpointer.ts).
   */
  const writerPragmas = `PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=${background ? SAFETY_NET_PAGES : 1000}`;
  const client = createClient({ url, authToken, timeout: BUSY_TIMEOUT_MS, fetch: fetchWithTimeout, ...replica });
  if (replica) {
    // The replica's file is libsql's to manage, and its schema is the server's (migrated by the portal there).
    await client.sync();
  } else if (embedded) {
    // WAL persists in the file; foreign keys are on by default in libsql's
    // build and stated again here for the connection that runs migrations.
    await client.execute("PRAGMA journal_mode=WAL");
    await client.executeMultiple(writerPragmas);
    await client.execute("PRAGMA foreign_keys=ON");
  }
  const db = drizzle(client, { schema });
  if (!replica && migrating) await migrate(db, { migrationsFolder });
  // Started once the file exists in WAL mode.
  const checkpointer = background ? startCheckpointer(path!) : null;

  /** The one write queue: each job starts once the one before it has settled. */
  let tail: Promise<unknown> = Promise.resolve();
  const queued = <T>(job: () => T | Promise<T>): Promise<T> => {
    const run = tail.then(job);
    tail = run.catch(() => undefined);
    return run;
  };
  const serialised = <T>(on: () => Promise<Db>, fn: (tx: Tx) => Promise<T>): Promise<T> =>
    queued(async () => (await on()).transaction(fn));
  const write = <T>(fn: (tx: Tx) => Promise<T>) =>
    serialised(async () => {
      // The client pools connections, and `synchronous` is per connection and
      // cannot change inside a transaction: a connection the pool opened later
      // would commit with SQLite's default FULL (an fsync per commit, ~3 ms
      // here). Set it on the connection the transaction borrows next — the
      // pool hands out the one returned last. The checkpoint threshold likewise.
      if (embedded) await client.executeMultiple(writerPragmas);
      return db;
    }, fn);

  let bulk: { client: Client; db: Db } | null = null;
  const bulkDb = async (): Promise<Db> => {
    if (!bulk) {
      // One connection, so its settings hold for every transaction on it.
      const own = createClient({ url, authToken, timeout: BUSY_TIMEOUT_MS, concurrency: 1 });
      await own.execute("PRAGMA foreign_keys=OFF");
      await own.executeMultiple(writerPragmas);
      bulk = { client: own, db: drizzle(own, { schema }) };
    }
    return bulk.db;
  };

  let native: { db: InstanceType<typeof NativeDatabase>; statement: (sql: string) => NativeStatement } | null = null;
  const nativeConnection = () => {
    if (!native) {
      const db = new NativeDatabase(path!, { timeout: BUSY_TIMEOUT_MS });
      // Its own connection: set once, these hold for every transaction on it.
      db.exec(writerPragmas);
      db.exec("PRAGMA foreign_keys=ON");
      const statements = new Map<string, NativeStatement>();
      const statement = (text: string) => {
        let prepared = statements.get(text);
        if (!prepared) statements.set(text, (prepared = db.prepare(text)));
        return prepared;
      };
      native = { db, statement };
    }
    return native;
  };
  const writeStatements = <T>(fn: (statement: (sql: string) => NativeStatement) => T): Promise<T> =>
    queued(() => {
      const { db, statement } = nativeConnection();
      // IMMEDIATE: take the write lock at BEGIN (waiting up to the busy timeout for another process),
      // not on the first write, where a read-then-write transaction can fail at once instead of waiting.
      return db.transaction(() => fn(statement)).immediate();
    });
  const closeListeners: (() => void)[] = [];

  return {
    db,
    client,
    url,
    authToken,
    embedded,
    write,
    bulkWrite: (fn) => (separateConnection ? serialised(bulkDb, fn) : write(fn)),
    writeStatements: separateConnection ? writeStatements : null,
    async ping(timeoutMs = PING_DEFAULT_TIMEOUT_MS) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolveLate) => {
        timer = setTimeout(() => resolveLate(false), timeoutMs);
      });
      try {
        return await Promise.race([client.execute("SELECT 1").then(() => true), late]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    onClose(listener) {
      closeListeners.push(listener);
    },
    checkpointer,
    close() {
      for (const listener of closeListeners.splice(0)) listener();
      void checkpointer?.stop();
      bulk?.client.close();
      native?.db.close();
      client.close();
    },
  };
}
