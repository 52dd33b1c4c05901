// The client module itself, not the sdk index: the index re-exports the zod schemas too.
import { Client } from '../../shared/sdk/client';
import { PoolApi } from '../../shared/sdk/pool';
import {
  hashWithoutToken,
  parseBridgeConnection,
  resolveToken,
  TOKEN_STORAGE_KEY,
  type BridgeConnection,
  type TokenSource,
} from './token';

/** Where the UI reaches the daemon and with which token; resolved once per page load. */
export interface Connection {
  apiBase: string;
  token: string | undefined;
  tokenSource: TokenSource;
}

let connection: Connection | undefined;
let client: Client | undefined;

/**
 * Electron hands the API base and token over through the preload (over IPC: asynchronous); a
 * browser (headless mode) uses its own origin and the token from the address the daemon printed
 * (`#token=…`). The token is moved into sessionStorage and out of the address bar at once, so it
 * is not left in the history, a bookmark or a screenshot of the address bar. Called once, before
 * anything renders (main.tsx); it never rejects.
 */
export async function loadConnection(): Promise<Connection> {
  const bridged = window.rbees ? await askBridge(window.rbees) : undefined;
  const resolved = resolveToken({
    bridgeToken: bridged?.token,
    hash: location.hash,
    stored: readStoredToken(),
  });
  if (resolved.source === 'fragment' && resolved.token) {
    storeToken(resolved.token);
    history.replaceState(
      history.state,
      '',
      `${location.pathname}${location.search}${hashWithoutToken(location.hash)}`,
    );
  }
  connection = {
    apiBase: bridged?.apiBase ?? location.origin,
    token: resolved.token,
    tokenSource: resolved.source,
  };
  client = undefined;
  return connection;
}

/** The connection `loadConnection` resolved. */
export function getConnection(): Connection {
  if (!connection) {
    throw new Error('getConnection() ran before loadConnection() resolved: main.tsx awaits it.');
  }
  return connection;
}

/** The one SDK client of this page. */
export function getClient(): Client {
  client ??= new Client(getConnection().apiBase, { token: getConnection().token });
  return client;
}

/** The pool hosts' API over the same client. */
export function getPool(): PoolApi {
  return new PoolApi(getClient());
}

/** Uses a token typed in by hand (the "token missing" screen); the next call gets a new client. */
export function setTokenByHand(token: string): void {
  storeToken(token);
  connection = { ...getConnection(), token, tokenSource: 'session' };
  client = undefined;
}

/** The platform the shortcuts are shown for: ⌘ on macOS, Ctrl elsewhere. */
export function isMac(): boolean {
  const platform = window.rbees?.platform ?? navigator.platform;
  return /^(darwin|mac)/i.test(platform);
}

/** The preload's answer, if it is one: a refused or broken bridge leaves the browser's ways. */
async function askBridge(bridge: RbeesBridge): Promise<BridgeConnection | undefined> {
  try {
    const answer = parseBridgeConnection(await bridge.connection());
    if (!answer) console.error('rbees: the preload answered no API base and token');
    return answer;
  } catch (err) {
    console.error('rbees: the preload gave no connection', err);
    return undefined;
  }
}

function readStoredToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null; // storage disabled (privacy settings): the fragment still works for this load
  }
}

function storeToken(token: string): void {
  try {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Storage disabled: the token lives in memory for this page only.
  }
}
