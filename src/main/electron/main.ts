import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { resolveConfig } from '../daemon/config';
import { startDaemon, type RunningDaemon } from '../daemon/daemon';
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
  const preload = join(bundleDir, '..', 'preload', 'preload.cjs');
  window = new BrowserWindow(windowOptions(preload, { apiBase: daemon.url, token: daemon.token }));
  // A taken port is not fatal for the desktop app: it moved to a free one, and says where.
  if (daemon.port !== config.port) window.setTitle(`rbees — API on ${daemon.url}`);
  window.once('ready-to-show', () => window?.show());
  await window.loadURL(`${daemon.url}/`);
}

function fail(err: unknown): void {
  dialog.showErrorBox('rbees could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
}
