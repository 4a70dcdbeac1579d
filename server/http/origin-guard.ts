import type { RequestHandler } from "express";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses cross-site form posts (CSRF), following OWASP's "verify origin
 * with standard headers": a browser always sends `Origin` (or at least
 * `Sec-Fetch-Site`) on a cross-site POST, so a mismatch is refused. Requests
 * with neither header come from non-browser clients, which cannot carry a
 * victim's cookies; API routes authenticate with keys instead. Without an
 * `Origin` (older browsers, some privacy settings), a `Referer` from another
 * origin is as telling and refused too.
 *
 * The portal's own origin is the request's scheme and host — behind a
 * trusted proxy, the forwarded ones (the same rule Remix applies to actions).
 */
export function originGuard(trustProxy: boolean): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get("origin");
    const forwardedHost = trustProxy ? req.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
    const own = `${req.protocol}://${forwardedHost || req.get("host")}`;
    const crossSite = origin
      ? origin !== own
      : req.get("sec-fetch-site") === "cross-site" || foreignReferer(req.get("referer"), own);
    if (!crossSite) return next();
    res.status(403).type("text/plain; charset=utf-8").send("跨站请求已拒绝 (cross-site request refused)");
  };
}

function foreignReferer(referer: string | undefined, own: string): boolean {
  if (!referer) return false;
  try {
    return new URL(referer).origin !== own;
  } catch {
    return true;
  }
}
