/**
 * "Several processes behind one address" for tests: a TCP front on a loopback
 * port that hands each new connection to the next backend in turn, skipping
 * one that refuses (a process that died). WebSockets pass through untouched,
 * as behind haproxy or nginx in TCP mode; no stickiness.
 */
import { createConnection, createServer, type Socket } from "node:net";

export interface TestBalancer {
  port: number;
  close(): Promise<void>;
}

export function startBalancer(backends: () => number[]): Promise<TestBalancer> {
  let turn = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.pause();
    const ports = backends();
    const attempt = (tries: number) => {
      if (tries >= ports.length) return client.destroy();
      const port = ports[turn++ % ports.length]!;
      const upstream = createConnection(port, "127.0.0.1");
      let connected = false;
      sockets.add(upstream);
      upstream.on("close", () => {
        sockets.delete(upstream);
        if (connected) client.destroy();
      });
      upstream.on("error", () => {
        if (!connected) attempt(tries + 1);
      });
      upstream.once("connect", () => {
        connected = true;
        client.on("error", () => upstream.destroy());
        client.on("close", () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  return new Promise((resolveStart) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolveStart({
        port: typeof address === "object" && address ? address.port : 0,
        close: () =>
          new Promise<void>((resolveClose) => {
            for (const s of sockets) s.destroy();
            server.close(() => resolveClose());
          }),
      });
    });
  });
}
