import { z } from "zod";

const databaseUrl = z
  .string()
  .regex(/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/, "must start with file:, libsql://, http(s):// or ws(s)://");

const flag = z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true");

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: databaseUrl.default("file:./data/roundtable.db"),
  /** Token for a hosted libsql service; not needed for the embedded file or a local sqld. */
  DATABASE_AUTH_TOKEN: z.string().optional(),
  SEED_DEMO: flag.default(true),
  /** auto: Secure cookies whenever the request arrived over HTTPS (directly or via a trusted proxy). */
  COOKIE_SECURE: z.enum(["auto", "always", "never"]).default("auto"),
  /**
   * Set when one reverse proxy in front terminates TLS and sets X-Forwarded-For/-Proto/-Host.
   * Exactly one hop is trusted: a client-supplied X-Forwarded-For entry further left is ignored.
   */
  TRUST_PROXY: flag.default(false),
  /**
   * The maps' base (decision 0013). Unset: the self-hosted offline style. A Mapbox token makes
   * `mapbox://` styles work (default mapbox://styles/mapbox/light-v10); MAP_STYLE_URL picks any
   * style JSON; MAP_TILE_URL puts raster tiles ({z}/{x}/{y}) under our own layers instead.
   */
  MAPBOX_ACCESS_TOKEN: z.string().min(1).optional(),
  MAP_STYLE_URL: z
    .string()
    .regex(/^(https?|mapbox):\/\//, "must be an http(s):// or mapbox:// URL")
    .optional(),
  MAP_TILE_URL: z
    .string()
    .regex(/^https?:\/\/.*\{z\}.*\{x\}.*\{y\}/, "must be an http(s) URL with {z}, {x} and {y}")
    .optional(),
  /**
   * Hot-spot detection (decision 0014) runs in this process: a full run at start, then from the
   * ticket event feed every minute. Off (0) where another process runs it: at a million tickets a
   * run holds the event loop for seconds.
   */
  HOT_SPOT_DETECTION: flag.default(true),
  /**
   * The minute sweeps — whistle reminders, overdue commitments, 预警约谈 warnings, interrupted
   * imports, daily digests — run in this process. Off (0) where another process sharing the
   * database runs them, and in tests that must see only what a request itself writes.
   */
  BACKGROUND_SWEEPS: flag.default(true),
  /**
   * Redis for realtime fan-out (decision 0022): processes behind one address that share the
   * database share live documents through its pub/sub. Unset: one process, no Redis.
   */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
  /** A realtime document nobody has open leaves memory after this long (it stays stored). */
  REALTIME_UNLOAD_AFTER_SECONDS: z.coerce.number().positive().default(30),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; the error names the first bad variable in one line. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]),
  );
  const result = configSchema.safeParse(relevant);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0]);
  throw new ConfigError(`Invalid configuration: ${name} ${issue.message} (got ${JSON.stringify(env[name])})`);
}
