/**
 * The realtime bench's baseline: the unmodified `@y/websocket-server` 0.1.1
 * (its own setupWSConnection, no auth, no rights), alone in a process. With
 * YPERSISTENCE set it persists through its stock y-leveldb. Prints
 * "baseline listening on <port>"; over IPC answers {type:"stats"} with memory
 * (after a GC when run with --expose-gc) and how many documents it holds.
 */
import { createServer } from "node:http";
import { docs, setupWSConnection } from "@y/websocket-server/utils";
import { WebSocketServer } from "ws";

const wss = new WebSocketServer({ noServer: true });
const server = createServer((_req, res) => res.writeHead(404).end());
server.on("upgrade", (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req));
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`baseline listening on ${typeof address === "object" && address ? address.port : "?"}`);
});

process.on("message", (message: { type: string }) => {
  if (message.type === "stats") {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ type: "stats", memory: process.memoryUsage(), metrics: { documentsInMemory: docs.size } });
  }
});
