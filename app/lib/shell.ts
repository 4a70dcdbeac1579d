import type { Role } from "../../db/schema/identity";
import { can, type Actor, type Permission } from "../../server/identity/permissions";
import { type t } from "../i18n";

export interface ShellUser {
  displayName: string;
  username: string;
  roles: Role[];
}

export interface NavItem {
  key: keyof typeof t.nav;
  href: string;
  /** False until the section's issue lands: shown, but not a link. */
  available: boolean;
}

const sections: { key: NavItem["key"]; href: string; permission: Permission; available: boolean }[] = [
  { key: "tickets", href: "/tickets", permission: "read:ticket", available: true },
  { key: "rates", href: "/rates", permission: "read:scorecard", available: true },
  { key: "councils", href: "/councils", permission: "read:council", available: true },
  { key: "plans", href: "/plans", permission: "read:plan", available: true },
  { key: "map", href: "/map", permission: "read:map", available: true },
  { key: "insights", href: "/insights", permission: "read:insight", available: true },
];

/** The navigation the actor's permissions open. */
export function navFor(actor: Actor | null): NavItem[] {
  if (!actor) return [];
  const items: NavItem[] = [{ key: "home", href: "/", available: true }];
  for (const s of sections)
    if (can(actor, s.permission)) items.push({ key: s.key, href: s.href, available: s.available });
  if (can(actor, "manage:organisation") || can(actor, "read:membership")) {
    items.push({ key: "admin", href: "/admin", available: true });
  }
  return items;
}
