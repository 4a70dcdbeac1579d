/**
 * `npm run backup -- [file]` and `npm run restore -- <file> [--force]`
 * against DATABASE_URL (docs/decisions/0016). A backup's default name carries
 * the time, in backups/ (git-ignored). `npm run db:push-to-server -- [file]`
 * copies an embedded database (default: the embedded default's file) to the
 * empty libsql server DATABASE_URL names (server/ops/push.ts).
 */
import { ConfigError, configSchema, loadConfig } from "../config";
import { BackupError, backupDatabase, restoreDatabase } from "./backup";
import { pushToServer } from "./push";

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const force = rest.includes("--force");
  const file = rest.find((a) => !a.startsWith("--"));
  const { DATABASE_URL, DATABASE_AUTH_TOKEN } = loadConfig();
  if (command === "push") {
    const source = file ? `file:${file}` : configSchema.shape.DATABASE_URL.parse(undefined);
    const { tables, rows } = await pushToServer(source, DATABASE_URL, {
      authToken: DATABASE_AUTH_TOKEN,
      log: (line) => console.log(line),
    });
    console.log(
      `pushed ${source} to ${DATABASE_URL}: ${tables} tables, ${rows} rows; start the portal with this DATABASE_URL`,
    );
  } else if (command === "backup") {
    const { path, bytes } = await backupDatabase(DATABASE_URL, file ?? `backups/roundtable-${stamp(new Date())}.db`);
    console.log(`backed up ${DATABASE_URL} to ${path} (${(bytes / 1024 ** 2).toFixed(1)} MB)`);
  } else if (command === "restore" && file) {
    const { path } = await restoreDatabase(file, DATABASE_URL, { force });
    console.log(`restored ${file} to ${path}; the portal migrates it forward when it starts`);
  } else {
    console.error(
      "usage: npm run backup -- [file] | npm run restore -- <file> [--force] | npm run db:push-to-server -- [file]",
    );
    process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  if (error instanceof BackupError || error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
});
