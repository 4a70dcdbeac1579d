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
