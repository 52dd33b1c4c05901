/// <reference types="vite/client" />

/**
 * What the Electron preload exposes (contextBridge): a fixed, tiny object. Absent in a browser
 * (headless mode), where the page learns the API base from its own origin.
 */
interface RbeesBridge {
  readonly apiBase: string;
  readonly token: string;
  readonly platform: string;
}

interface Window {
  readonly rbees?: RbeesBridge;
}
