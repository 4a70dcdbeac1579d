/**
 * How the browser's code is grouped into files (the client build's `manualChunks`, vite.config.ts).
 *
 * A browser opens at most six connections to one HTTP/1.1 server. The map page asked for sixteen files
 * before it could run a line — three rounds of requests, ~60 ms on the bench machine (decision 0013,
 * "Session 19"). So the framework and the strings (`app/i18n`, which every page's root imports) become
 * one file, `vendor`; and the small modules several pages share become one file, `shared`, provided
 * nothing but vendor and other such modules lies beneath them — then a page loads at most these few
 * kilobytes it did not need, never a library. Everything else keeps Rollup's own split.
 */
import type { Rollup } from "vite";

/** What every page runs: React, Remix and the router. */
const FRAMEWORK =
  /\/node_modules\/(react|react-dom|scheduler|@remix-run\/[^/]+|react-router|react-router-dom|turbo-stream)\//;
/** Our own modules that may be grouped, and Vite's helper for dynamic imports. */
const GROUPABLE = /\/app\/(components|lib)\/|vite\/preload-helper/;
/** Above this many characters (as transformed, before minifying) a module keeps its own place. */
export const SMALL_MODULE = 4_000;

const inVendor = (id: string) => FRAMEWORK.test(id) || id.includes("/app/i18n/");

export function clientChunk(id: string, { getModuleInfo }: Pick<Rollup.ManualChunkMeta, "getModuleInfo">) {
  if (inVendor(id)) return "vendor";
  const small = (moduleId: string, seen: Set<string>): boolean => {
    // A `?url` import is only the address of a file, fetched where it is used.
    if (inVendor(moduleId) || moduleId.endsWith("?url") || seen.has(moduleId)) return true;
    seen.add(moduleId);
    const info = getModuleInfo(moduleId);
    if (!info || info.isEntry || !GROUPABLE.test(moduleId) || /\.css(\?|$)/.test(moduleId)) return false;
    if ((info.code?.length ?? Infinity) > SMALL_MODULE) return false;
    const sharedBy = info.importers.length + info.dynamicImporters.length;
    return sharedBy > 1 && info.importedIds.every((dep) => small(dep, seen));
  };
  return small(id, new Set()) ? "shared" : undefined;
}
