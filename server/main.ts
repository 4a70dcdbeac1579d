/** The portal's entry: `npm start` (production build) or `npm run dev`. */
import { createPortal } from "./app";
import { ConfigError, loadConfig } from "./config";

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const dev = process.argv.includes("--dev");
  const portal = await createPortal(config, { dev });
  const port = await portal.listen();
  console.log(`Roundtable 圆桌 listening on http://localhost:${port} (${dev ? "development" : "production"})`);

  const shutdown = (signal: string) => {
    console.log(`${signal}: finishing in-flight requests`);
    void portal.close().then(() => {
      console.log("closed the database; bye");
      process.exit(0);
    });
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

void main();
