import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Plugin } from "vite";
import { clientChunk } from "./server/http/client-chunks";
import { precompressFiles } from "./server/http/static-files";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

/** Compressed copies of the browser's files, made once here instead of per request (decision 0024). */
function precompress(): Plugin {
  let outDir = "";
  let ssr = false;
  return {
    name: "roundtable-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
      ssr = !!config.build.ssr;
    },
    closeBundle() {
      if (!ssr) precompressFiles(outDir);
    },
  };
}

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [
    remix({
      // Parallel work on one machine may build into separate folders; the server and tests read the same variable.
      buildDirectory: process.env.ROUNDTABLE_BUILD_DIR ?? "build",
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
    precompress(),
  ],
  resolve: {
    alias: { "~": new URL("./app", import.meta.url).pathname },
  },
  // Listed up front so the first dev page load does not reload while Vite
  // discovers them (STACK.md: flaky browser tests otherwise).
  optimizeDeps: {
    include: ["react", "react-dom", "react-dom/client", "mapbox-gl"],
    // Server-only native modules reached through loaders' imports: never bundled for the browser.
    exclude: ["@node-rs/argon2", "@libsql/client", "libsql"],
  },
  server: { fs: { allow: ["."] } },
  // Fewer files for each page to wait for (server/http/client-chunks.ts); the server's build is one file anyway.
  build: isSsrBuild ? {} : { rollupOptions: { output: { manualChunks: clientChunk } } },
}));
