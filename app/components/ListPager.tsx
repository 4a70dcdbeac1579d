import { Link } from "@remix-run/react";
import { t } from "~/i18n";

/**
 * Back-to-latest and older links for a list paged by cursor (server/keyset.ts), newest first — or, for a
 * list in another order (`ascending`), first-page and next-page links. Nothing when the list fits on its
 * first page.
 */
export function ListPager(props: {
  /** This page came from a cursor (it is not the first). */
  paged: boolean;
  next: string | null;
  /** The page for a cursor; "" is the first page. */
  href: (cursor: string) => string;
  label: string;
  ascending?: boolean;
}) {
  const { paged, next, href, ascending } = props;
  if (!paged && !next) return null;
  return (
    <nav className="pagination" aria-label={props.label}>
      {paged ? <Link to={href("")}>{ascending ? t.common.first : t.common.latest}</Link> : <span />}
      {next ? (
        <Link to={href(next)} rel="next">
          {ascending ? t.common.next : t.common.older}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
