import { createContext, useContext } from "react";

/**
 * The request's Content-Security-Policy nonce (docs/decisions/0017): set by
 * entry.server.tsx around the server render, so the scripts Remix writes into
 * the page carry it. In the browser it is "", which is also what the DOM
 * shows for a nonce attribute after load (browsers hide its value), so
 * hydration sees no difference.
 */
export const NonceContext = createContext("");

export const useNonce = () => useContext(NonceContext);
