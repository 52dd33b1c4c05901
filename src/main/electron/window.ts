import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The main window's options, locked down per Electron's security checklist: the page is our own
 * UI but it renders model output (markdown), so it gets no Node, no remote content rights, and a
 * sandboxed, isolated preload. Nothing secret goes in here: `additionalArguments` would put it on
 * the renderer's command line, which every local user can read; the token goes over IPC (bridge.ts).
 */
export function windowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'rbees',
    backgroundColor: '#111318',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** Links the app may open in the system browser: https on a short allow-list, nothing else. */
const EXTERNAL_HOSTS = new Set(['huggingface.co', 'github.com', 'ollama.com', 'llama.cpp.ai']);

export function isAllowedExternalUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' && EXTERNAL_HOSTS.has(url.hostname) && url.username === '';
  } catch {
    return false;
  }
}

/** The window may only ever show the daemon's own pages (same scheme, host and port). */
export function isOwnPage(raw: string, apiBase: string): boolean {
  try {
    return new URL(raw).origin === new URL(apiBase).origin;
  } catch {
    return false;
  }
}
