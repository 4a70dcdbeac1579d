import "./context";
/**
 * One process, one port: Express serves the Remix app (the production build,
 * or Vite in middleware mode for development), static files, /healthz, and
 * hands WebSocket upgrades under /realtime/ to the realtime gateway.
 */
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { openDatabase, type Database } from "../db/client";
import { seedDemo } from "../db/seed/demo";
import { seedDemoCouncils } from "../db/seed/demo-councils";
import { seedDemoProblems } from "../db/seed/demo-problems";
import { seedDemoTickets } from "../db/seed/demo-tickets";
import { describeReferenceCounts, seedReference } from "../db/seed/reference";
import type { DocumentServerOptions } from "../realtime/documents";
import { createRedisFanout } from "../realtime/fanout";
import { createRealtimeGateway, refuseUpgrade, type DocumentKind } from "../realtime/gateway";
import { apiRouter } from "./api";
import type { Config } from "./config";
import { sweepWhistleDeadlines } from "./councils";
import { deleteExpiredSessions } from "./identity";
import { detectHotSpots, sweepGovernanceWarnings } from "./insights";
import { produceDailyDigests } from "./notifications";
import { originGuard } from "./http/origin-guard";
import { plainErrors } from "./http/plain-errors";
import { bodyLimit, drainUnreadBodies, FORM_BODY_LIMIT, formBodiesOnly, pageMethods } from "./http/body-limit";
import { databaseHealth } from "./http/database-health";
import { securityHeaders } from "./http/security-headers";
import { staticFiles } from "./http/static-files";
import { planDocumentKind, sweepOverdueCommitments } from "./plans";
import { beijingMonth, reindexSearch } from "./tickets";
import { interruptStaleJobs, MAX_UPLOAD_BYTES } from "./tickets/import";
import { secureCookies, sessionMiddleware, type RequestSession } from "./http/session-middleware";

export interface Portal {
  server: Server;
  database: Database;
  realtime: ReturnType<typeof createRealtimeGateway>;
  /** Resolves with the bound port (useful with PORT=0). */
  listen(): Promise<number>;
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

export interface PortalOptions {
  /** Development: Vite in middleware mode with hot reload on the same port. */
  dev?: boolean;
  /** Where the production build lives (default ./build). */
  buildDir?: string;
  log?: (line: string) => void;
  /** Realtime document kinds besides the portal's own (plans; tests register theirs here). */
  kinds?: DocumentKind[];
  /** Overrides of the document server's limits and timings. */
  realtime?: Partial<DocumentServerOptions>;
}

const SHUTDOWN_GRACE_MS = 10_000;
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

export async function createPortal(config: Config, options: PortalOptions = {}): Promise<Portal> {
  const log = options.log ?? ((line: string) => console.log(line));
  const database = await openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN, {
    checkpointInBackground: true,
  });
  const referenceSeeded = describeReferenceCounts(await seedReference(database));
  if (referenceSeeded) log(`seeded ${referenceSeeded}`);
  if (config.SEED_DEMO && (await seedDemo(database))) {
    const tickets = await seedDemoTickets(database);
    const councils = await seedDemoCouncils(database);
    const problems = await seedDemoProblems(database);
    log(
      `seeded the demo organisations, users (password: roundtable-demo), ${tickets} tickets, ${councils} councils and ${problems} monthly problems`,
    );
  }

  // An import whose process stopped is recorded as interrupted (decision 0008), not left "running".
  const interrupted = await interruptStaleJobs(database);
  if (interrupted) log(`marked ${interrupted} import job(s) interrupted`);

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.TRUST_PROXY ? 1 : false);
  const server = createServer(app);
  const fanout = config.REDIS_URL ? await createRedisFanout(config.REDIS_URL, log) : null;
  const gateway = createRealtimeGateway(
    database,
    [planDocumentKind(database), ...(options.kinds ?? [])],
    { unloadAfterMs: config.REALTIME_UNLOAD_AFTER_SECONDS * 1000, log, ...options.realtime },
    fanout,
  );

  app.use(securityHeaders(config, { dev: options.dev }));

  // While the database is away every request answers 503 (before anything touches it) and the portal
  // serves again once it answers.
  const health = databaseHealth(database, log);
  app.get("/healthz", health.healthz);
  app.use(health.gate);

  app.use(compression());
  // Browsers ask for /favicon.ico where a document names no icon (the API's JSON, the rejection CSVs);
  // without this each such visit rendered the 404 page.
  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
  // Key-authenticated APIs: before the cookie session and the cross-site check (docs/decisions/0009).
  app.use("/api", apiRouter(database));

  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (options.dev) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ server: { middlewareMode: true, hmr: { server } } });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    server.on("close", () => void viteServer.close());
  } else {
    const buildDir = resolve(options.buildDir ?? process.env.ROUNDTABLE_BUILD_DIR ?? "build");
    // Fingerprinted assets never change; everything else (public/) may.
    app.use("/assets", staticFiles(resolve(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(staticFiles(resolve(buildDir, "client"), { maxAge: "1h" }));
    build = (await import(pathToFileURL(resolve(buildDir, "server/index.js")).href)) as ServerBuild;
  }

  // The multipart body (a form's file part plus a few fields) may be a little over the file's own limit.
  app.use(bodyLimit([{ path: "/tickets/import", limit: MAX_UPLOAD_BYTES + FORM_BODY_LIMIT }]));
  // From here on a body is within its limit: what is answered without reading it can be drained.
  app.use(drainUnreadBodies());
  app.use(originGuard(config.TRUST_PROXY));
  app.use(pageMethods());
  app.use(formBodiesOnly());
  app.use(sessionMiddleware(database, config));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: options.dev ? "development" : "production",
      getLoadContext: (req, res): AppLoadContext => {
        const locals = res.locals as RequestSession;
        return {
          database,
          config,
          actor: locals.actor,
          sessionId: locals.sessionId,
          clientIp: req.ip ?? "unknown",
          secureCookies: secureCookies(config, req),
          planDocuments: gateway.documents,
          cspNonce: (res.locals as { cspNonce: string }).cspNonce,
        };
      },
    }),
  );

  // A request that failed while the database was away answers 503; any other error a plain 4xx/500.
  app.use(health.errors);
  app.use(plainErrors(log));

  server.on("upgrade", (req, socket, head) => {
    if (gateway.handleUpgrade(req, socket, head)) return;
    // In development Vite's HMR listens for upgrades too and must find the socket untouched.
    // In production nobody else does: say so rather than leave the socket hanging.
    if (!options.dev) refuseUpgrade(socket, 404);
  });

  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const sweep = setInterval(() => void deleteExpiredSessions(database).catch(() => undefined), HOUR);
  sweep.unref();
  // Whistle reminders must reach a unit within minutes (an emergency's window is 30); an overdue commitment
  // tells the chair once; a closed month's 预警约谈 tells each warned street once; an import whose process
  // died is marked interrupted; digests go out once a day.
  let sweptMonth = "";
  const reminders = config.BACKGROUND_SWEEPS ? setInterval(sweepReminders, MINUTE) : undefined;
  reminders?.unref();
  function sweepReminders() {
    void sweepWhistleDeadlines(database)
      .then(() => sweepOverdueCommitments(database))
      .then(async () => {
        // A closed month is swept once per process (the table keeps it once across restarts): not a ranking a minute.
        if (sweptMonth === beijingMonth(new Date())) return;
        await sweepGovernanceWarnings(database);
        sweptMonth = beijingMonth(new Date());
      })
      .then(() => interruptStaleJobs(database))
      .then(() => produceDailyDigests(database))
      .catch((error: unknown) => log(`notifications: ${error instanceof Error ? error.message : String(error)}`));
  }
  // Hot spots (decision 0014): the first run in a process is a full one, later runs follow the ticket event feed.
  let detecting: Promise<unknown> = Promise.resolve();
  const detect = () => {
    detecting = detectHotSpots(database).catch((error: unknown) =>
      log(`insights: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  const detector = config.HOT_SPOT_DETECTION ? setInterval(detect, MINUTE) : undefined;
  if (detector) {
    detect();
    detector.unref();
  }

  // Tickets indexed for search under earlier tokens are indexed again, in the background (reindex.ts).
  const reindexing = new AbortController();
  const reindexed = reindexSearch(database, reindexing.signal).catch((error: unknown) =>
    log(`search: ${error instanceof Error ? error.message : String(error)}`),
  );

  let closing: Promise<void> | undefined;
  return {
    server,
    database,
    realtime: gateway,
    listen: () =>
      new Promise((resolveListen, reject) => {
        server.once("error", reject);
        server.listen(config.PORT, config.HOST, () => {
          const address = server.address();
          resolveListen(typeof address === "object" && address ? address.port : config.PORT);
        });
      }),
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        clearInterval(sweep);
        clearInterval(reminders);
        clearInterval(detector);
        reindexing.abort();
        health.stop();
        // Every accepted realtime update is stored before the database closes.
        const realtimeClosed = gateway.close();
        const force = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, SHUTDOWN_GRACE_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          void Promise.all([realtimeClosed, detecting, reindexed]).finally(() => {
            database.close();
            resolveClose();
          });
        });
        // Idle keep-alive connections would hold close() open; busy ones finish first.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
