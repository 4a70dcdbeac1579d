/**
 * `npm run backup -- [file]` and `npm run restore -- <file> [--force]`
 * against DATABASE_URL (docs/decisions/0016). A backup's default name carries
 * the time, in backups/ (git-ignored).
 */
import { ConfigError, loadConfig } from "../config";
import { BackupError, backupDatabase, restoreDatabase } from "./backup";

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const force = rest.includes("--force");
  const file = rest.find((a) => !a.startsWith("--"));
  const { DATABASE_URL } = loadConfig();
  if (command === "backup") {
    const { path, bytes } = await backupDatabase(DATABASE_URL, file ?? `backups/roundtable-${stamp(new Date())}.db`);
    console.log(`backed up ${DATABASE_URL} to ${path} (${(bytes / 1024 ** 2).toFixed(1)} MB)`);
  } else if (command === "restore" && file) {
    const { path } = await restoreDatabase(file, DATABASE_URL, { force });
    console.log(`restored ${file} to ${path}; the portal migrates it forward when it starts`);
  } else {
    console.error("usage: npm run backup -- [file] | npm run restore -- <file> [--force]");
    process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  if (error instanceof BackupError || error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
});
