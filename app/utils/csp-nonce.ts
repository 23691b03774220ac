import { createContext, useContext } from 'react'

// The Content-Security-Policy nonce of this response (server/http/security-headers.ts), set by
// entry.server for the scripts Remix inlines. Empty in the browser, which hides nonces from the DOM.
export const CspNonceContext = createContext<string | undefined>(undefined)

export const useCspNonce = () => useContext(CspNonceContext)
