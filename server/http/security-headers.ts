/**
 * Security headers on every response (docs/decisions/0017). The page's
 * scripts run only with this request's nonce (entry.server.tsx puts it on
 * the scripts Remix writes), so an injected `<script>` or inline handler does
 * not run; nothing frames the portal; URLs — which name tickets and councils —
 * are not sent to other sites as a referrer.
 */
import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";
import type { Config } from "../config";

/** Where the configured map base loads from, beyond our own origin (decision 0013). */
export function mapSources(config: Pick<Config, "MAPBOX_ACCESS_TOKEN" | "MAP_STYLE_URL" | "MAP_TILE_URL">) {
  const sources = new Set<string>();
  if (config.MAPBOX_ACCESS_TOKEN || config.MAP_STYLE_URL?.startsWith("mapbox://")) {
    for (const host of ["https://api.mapbox.com", "https://*.tiles.mapbox.com", "https://events.mapbox.com"]) {
      sources.add(host);
    }
  }
  // A style's sources, sprites and glyphs may live on any host the style names: secure ones only.
  if (config.MAP_STYLE_URL?.startsWith("http")) sources.add("https:").add(new URL(config.MAP_STYLE_URL).origin);
  if (config.MAP_TILE_URL) sources.add(new URL(config.MAP_TILE_URL.replace(/\{[xyz]\}/g, "0")).origin);
  return [...sources];
}

export function contentSecurityPolicy(nonce: string, external: string[]): string {
  const extra = external.length ? ` ${external.join(" ")}` : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // React's style attributes (colours of stages, positions of panels) are inline styles.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${extra}`,
    // 'self' covers the realtime WebSocket on the same host and port.
    `connect-src 'self'${extra}`,
    // mapbox-gl starts its worker from a blob URL.
    "worker-src 'self' blob:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Sets the headers and `res.locals.cspNonce`. Development (Vite's dev server
 * injects its own inline scripts) gets every header but the CSP.
 */
export function securityHeaders(config: Config, options: { dev?: boolean } = {}): RequestHandler {
  const external = mapSources(config);
  return (_req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    if (!options.dev) res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce, external));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    next();
  };
}
