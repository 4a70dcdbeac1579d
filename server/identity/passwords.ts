import { hash, verify } from "@node-rs/argon2";

/** argon2id with the library defaults (19 MiB, t=2, p=1): OWASP's minimum recommendation. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Spends the same time as a real check, so an unknown username cannot be
 * told from a wrong password by how long the answer takes.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hash("roundtable-timing-equaliser");
  await verifyPassword(await dummyHash, password);
  return false;
}
