/**
 * The realtime gateway alone in a process, serving the test document kind:
 * what the SIGKILL test kills and the realtime bench measures. It is the
 * portal's upgrade path (gateway → document server → database) without the
 * Remix app, so it needs no build. Prints "realtime listening on <port>".
 *
 * Environment: DATABASE_URL, PORT (0 for any), REALTIME_OPTIONS (JSON,
 * DocumentServerOptions), REALTIME_QUIET=1 to keep the log off stdout,
 * REDIS_URL to share documents with other processes (decision 0022).
 * Over IPC it answers {type:"stats"} with memory (after a GC when run with
 * --expose-gc) and the gateway's metrics, and {type:"settle"} once idle
 * documents are compacted and unloaded.
 */
import { createServer } from "node:http";
import { openDatabase } from "../../db/client";
import { createRedisFanout } from "../../realtime/fanout";
import { createRealtimeGateway } from "../../realtime/gateway";
import { testKind } from "./realtime";

const database = await openDatabase(process.env.DATABASE_URL ?? "file:./data/realtime-test.db");
const quiet = process.env.REALTIME_QUIET === "1";
const log = quiet ? () => undefined : (line: string) => console.log(line);
const redisUrl = process.env.REDIS_URL;
const gateway = createRealtimeGateway(
  database,
  [testKind],
  { ...(JSON.parse(process.env.REALTIME_OPTIONS ?? "{}") as object), log },
  redisUrl ? await createRedisFanout(redisUrl, log) : null,
);
const server = createServer((_req, res) => res.writeHead(404).end());
server.on("upgrade", (req, socket, head) => {
  if (!gateway.handleUpgrade(req, socket, head)) socket.destroy();
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`realtime listening on ${typeof address === "object" && address ? address.port : "?"}`);
});

process.on("message", (message: { type: string }) => {
  if (message.type === "stats") {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ type: "stats", memory: process.memoryUsage(), metrics: gateway.metrics() });
  } else if (message.type === "settle") {
    void gateway.settle().then(() => process.send?.({ type: "settled", metrics: gateway.metrics() }));
  }
});
process.once("SIGTERM", () => {
  server.close();
  void gateway.close().then(() => {
    database.close();
    process.exit(0);
  });
});
