import { createClient } from "@libsql/client";
const primary = createClient({ url: "http://127.0.0.1:18084" });
await primary.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
await primary.execute("INSERT INTO t (v) VALUES ('a')");
const replica = createClient({ url: "file:/tmp/rep4/replica.db", syncUrl: "http://127.0.0.1:18084", syncInterval: 0.05 });
console.log("sync", await replica.sync());
console.log((await replica.execute("select count(*) n from t")).rows);
const t0 = performance.now();
await primary.execute("INSERT INTO t (v) VALUES ('b')");
for (;;) { const n = Number((await replica.execute("select count(*) n from t")).rows[0].n); if (n === 2) break; await new Promise(r=>setTimeout(r,2)); }
console.log("lag ms", performance.now() - t0);
replica.close(); primary.close();
