import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { resolveConfig } from '../daemon/config';
import { startDaemon, type RunningDaemon } from '../daemon/daemon';
import { CONNECTION_CHANNEL, isTrustedSender, type RendererConfig } from './bridge';
import { isAllowedExternalUrl, isOwnPage, windowOptions } from './window';

/**
 * The desktop shell: one instance, the daemon in this process, one locked-down window on its UI.
 * Inference never runs here: the daemon starts workers as child processes.
 */
let daemon: RunningDaemon | undefined;
let window: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (!daemon || !isOwnPage(url, daemon.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.whenReady().then(start, fail);
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (!daemon) return;
    event.preventDefault();
    const closing = daemon;
    daemon = undefined;
    void closing.close().finally(() => app.quit());
  });
}

async function start(): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, grant) =>
    grant(false),
  );
  session.defaultSession.setPermissionCheckHandler(() => false);
  const config = resolveConfig();
  const bundleDir = fileURLToPath(new URL('.', import.meta.url));
  daemon = await startDaemon({ config, bundleDir, portFallback: true, version: app.getVersion() });
  ipcMain.handle(CONNECTION_CHANNEL, rendererConfig);
  const preload = join(bundleDir, '..', 'preload', 'preload.cjs');
  window = new BrowserWindow(windowOptions(preload));
  // A taken port is not fatal for the desktop app: it moved to a free one, and says where.
  if (daemon.port !== config.port) window.setTitle(`rbees — API on ${daemon.url}`);
  window.once('ready-to-show', () => window?.show());
  await window.loadURL(`${daemon.url}/`);
}

/** The preload's one question; a sender other than our window's own page is refused. */
function rendererConfig(event: IpcMainInvokeEvent): RendererConfig {
  const frame = event.senderFrame;
  const sender = {
    url: frame?.url,
    topFrame: frame?.parent === null,
    ownWindow: window !== undefined && event.sender === window.webContents,
  };
  if (!daemon || !isTrustedSender(sender, daemon.url)) {
    throw new Error(`${CONNECTION_CHANNEL}: refused to ${frame?.url ?? 'a closed frame'}`);
  }
  return { apiBase: daemon.url, token: daemon.token };
}

function fail(err: unknown): void {
  dialog.showErrorBox('rbees could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
}
