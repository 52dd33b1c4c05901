import type { BrowserWindowConstructorOptions } from 'electron';

/** What the preload hands the renderer; passed on the renderer's command line. */
export interface RendererConfig {
  apiBase: string;
  token: string;
}

export const ARG_API = '--rbees-api=';
export const ARG_TOKEN = '--rbees-token=';

/**
 * The main window's options, locked down per Electron's security checklist: the page is our own
 * UI but it renders model output (markdown), so it gets no Node, no remote content rights, and a
 * sandboxed, isolated preload.
 */
export function windowOptions(
  preload: string,
  config: RendererConfig,
): BrowserWindowConstructorOptions {
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
      additionalArguments: [`${ARG_API}${config.apiBase}`, `${ARG_TOKEN}${config.token}`],
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

/** The window may only ever show the daemon's own pages. */
export function isOwnPage(raw: string, apiBase: string): boolean {
  try {
    return new URL(raw).origin === new URL(apiBase).origin;
  } catch {
    return false;
  }
}
