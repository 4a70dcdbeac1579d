// Worker threads do not inherit tsx's loader: load the TypeScript worker through tsx's API.
import { tsImport } from "tsx/esm/api";

await tsImport("./detection-worker.ts", import.meta.url);
