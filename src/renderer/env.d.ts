/// <reference types="vite/client" />

/** Whether this bundle has the test harnesses (RBEES_HARNESS=1 at build time). */
declare const __RBEES_HARNESS__: boolean;

/**
 * What the Electron preload exposes (contextBridge): a fixed, tiny object. Absent in a browser
 * (headless mode), where the page learns the API base from its own origin.
 */
interface RbeesBridge {
  /** Asks the main process (over IPC) for `{ apiBase, token }`; checked on arrival. */
  readonly connection: () => Promise<unknown>;
  readonly platform: string;
}

interface Window {
  readonly rbees?: RbeesBridge;
}
