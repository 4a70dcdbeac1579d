import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

/**
 * A row of links that switch what a list shows (a queue, a scope, a state), the current one marked for
 * screen readers and styled as chosen.
 */
export function Tabs<K extends string>(props: {
  label: string;
  tabs: readonly K[];
  current: K;
  href: (tab: K) => string;
  children: (tab: K) => ReactNode;
}) {
  return (
    <nav aria-label={props.label}>
      <ul className="queue-tabs">
        {props.tabs.map((tab) => (
          <li key={tab}>
            <Link
              to={props.href(tab)}
              aria-current={tab === props.current ? "page" : undefined}
              className={tab === props.current ? "active" : undefined}
            >
              {props.children(tab)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
