import { contextBridge, ipcRenderer } from 'electron';
import { CONNECTION_CHANNEL } from './bridge';

/**
 * The whole bridge: one function that asks the main process for the API base and token over the
 * one fixed channel, and the platform; nothing else (no ipcRenderer, no env). The renderer then
 * talks to the daemon over HTTP exactly as it does in a browser.
 */
contextBridge.exposeInMainWorld(
  'rbees',
  Object.freeze({
    connection: (): Promise<unknown> => ipcRenderer.invoke(CONNECTION_CHANNEL),
    platform: process.platform,
  }),
);
