import { contextBridge } from 'electron';
import { ARG_API, ARG_TOKEN } from './window';

/**
 * The whole bridge: where the API is and its token, nothing else (no ipcRenderer, no env). The
 * renderer then talks to the daemon over HTTP exactly as it does in a browser.
 */
function arg(prefix: string): string {
  return process.argv.find((value) => value.startsWith(prefix))?.slice(prefix.length) ?? '';
}

contextBridge.exposeInMainWorld(
  'rbees',
  Object.freeze({ apiBase: arg(ARG_API), token: arg(ARG_TOKEN), platform: process.platform }),
);
