import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

/** The error loadConfig throws for `env`, or a failure if it accepts it. */
function errorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("gives the zero-setup defaults for an empty environment", () => {
    expect(loadConfig({})).toEqual({
      NODE_ENV: "development",
      PORT: 3000,
      HOST: "0.0.0.0",
      DATABASE_URL: "file:./data/roundtable.db",
      SEED_DEMO: true,
      COOKIE_SECURE: "auto",
      TRUST_PROXY: false,
      HOT_SPOT_DETECTION: true,
      BACKGROUND_SWEEPS: true,
      REALTIME_UNLOAD_AFTER_SECONDS: 30,
    });
  });

  it("treats empty strings as unset", () => {
    const config = loadConfig({ PORT: "", DATABASE_URL: "", SEED_DEMO: "" });
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBe("file:./data/roundtable.db");
    expect(config.SEED_DEMO).toBe(true);
  });

  it("ignores variables it does not know", () => {
    expect(loadConfig({ PATH: "/usr/bin", SOMETHING_ELSE: "x" })).toEqual(loadConfig({}));
  });

  it("coerces the port to a number, 0 included (any free port)", () => {
    expect(loadConfig({ PORT: "8080" }).PORT).toBe(8080);
    expect(loadConfig({ PORT: "0" }).PORT).toBe(0);
    expect(loadConfig({ PORT: "65535" }).PORT).toBe(65535);
  });

  it.each(["abc", "-1", "65536", "3.5", "80abc"])("refuses PORT=%s, naming PORT", (port) => {
    const error = errorFor({ PORT: port });
    expect(error.message).toMatch(/^Invalid configuration: PORT /);
    expect(error.message).toContain(JSON.stringify(port));
  });

  it.each([
    ["1", true],
    ["true", true],
    ["0", false],
    ["false", false],
  ])("reads the flag value %s as %s", (value, expected) => {
    expect(loadConfig({ SEED_DEMO: value }).SEED_DEMO).toBe(expected);
    expect(loadConfig({ TRUST_PROXY: value }).TRUST_PROXY).toBe(expected);
  });

  it.each(["0", "-5", "soon"])("refuses REALTIME_UNLOAD_AFTER_SECONDS=%s; reads fractions of seconds", (value) => {
    expect(errorFor({ REALTIME_UNLOAD_AFTER_SECONDS: value }).message).toMatch(
      /^Invalid configuration: REALTIME_UNLOAD_AFTER_SECONDS /,
    );
    expect(loadConfig({ REALTIME_UNLOAD_AFTER_SECONDS: "0.5" }).REALTIME_UNLOAD_AFTER_SECONDS).toBe(0.5);
  });

  it("refuses a flag it cannot read, rather than guessing", () => {
    expect(errorFor({ SEED_DEMO: "yes" }).message).toMatch(/^Invalid configuration: SEED_DEMO /);
    expect(errorFor({ TRUST_PROXY: "on" }).message).toMatch(/^Invalid configuration: TRUST_PROXY /);
  });

  it.each(["file:./x.db", "file:/tmp/x.db", "libsql://db.example.turso.io", "http://127.0.0.1:8080", "wss://x.io"])(
    "accepts DATABASE_URL=%s",
    (url) => {
      expect(loadConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    },
  );

  it("reads REDIS_URL (realtime across processes) and refuses what is not a redis URL", () => {
    expect(loadConfig({ REDIS_URL: "redis://127.0.0.1:6379" }).REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(loadConfig({ REDIS_URL: "rediss://user:pw@cache.example.org:6380/0" }).REDIS_URL).toBe(
      "rediss://user:pw@cache.example.org:6380/0",
    );
    expect(loadConfig({ REDIS_URL: "" }).REDIS_URL).toBeUndefined();
    expect(errorFor({ REDIS_URL: "127.0.0.1:6379" }).message).toMatch(/^Invalid configuration: REDIS_URL /);
  });

  it.each(["ftp://x", "./data/x.db", "postgres://x/y"])("refuses DATABASE_URL=%s, naming it", (url) => {
    expect(errorFor({ DATABASE_URL: url }).message).toMatch(/^Invalid configuration: DATABASE_URL /);
  });

  it("refuses unknown enum values", () => {
    expect(errorFor({ NODE_ENV: "staging" }).message).toMatch(/^Invalid configuration: NODE_ENV /);
    expect(errorFor({ COOKIE_SECURE: "sometimes" }).message).toMatch(/^Invalid configuration: COOKIE_SECURE /);
  });

  it("reports in one line", () => {
    for (const env of [{ PORT: "abc" }, { SEED_DEMO: "nope" }, { DATABASE_URL: "ftp://x" }]) {
      expect(errorFor(env).message).not.toContain("\n");
    }
  });
});
