import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
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
});
