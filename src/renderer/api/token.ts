/** sessionStorage key: the token survives reloads of this tab but not the browser session. */
export const TOKEN_STORAGE_KEY = 'rbees.token';

/**
 * The `token` parameter of a URL fragment (`#token=abc`, `#view=chat&token=abc`). Parsed by hand
 * rather than with URLSearchParams, which would turn a `+` in a custom RBEES_TOKEN into a space.
 */
export function tokenFromHash(hash: string): string | undefined {
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq) !== 'token') continue;
    const token = safeDecode(part.slice(eq + 1)).trim();
    if (token) return token;
  }
  return undefined;
}

/** The fragment with every `token` parameter removed, `''` when nothing else was in it. */
export function hashWithoutToken(hash: string): string {
  const rest = hash
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part !== '' && part !== 'token' && !part.startsWith('token='));
  return rest.length > 0 ? `#${rest.join('&')}` : '';
}

export type TokenSource = 'bridge' | 'fragment' | 'session' | 'none';

/** What the Electron preload answers: where the daemon is and its token. */
export interface BridgeConnection {
  apiBase: string;
  token: string;
}

/** The preload's answer checked on arrival (it crosses a process boundary): both non-empty. */
export function parseBridgeConnection(value: unknown): BridgeConnection | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { apiBase, token } = value as Record<string, unknown>;
  if (typeof apiBase !== 'string' || typeof token !== 'string') return undefined;
  if (!/^https?:\/\//.test(apiBase) || token === '') return undefined;
  return { apiBase, token };
}

export interface TokenInputs {
  /** The token the Electron preload handed over, if any. */
  bridgeToken: string | undefined;
  /** `location.hash`. */
  hash: string;
  /** `sessionStorage[TOKEN_STORAGE_KEY]`. */
  stored: string | null;
}

/** Where the token comes from, in order: the Electron preload, the URL fragment, this tab's storage. */
export function resolveToken(inputs: TokenInputs): {
  token: string | undefined;
  source: TokenSource;
} {
  if (inputs.bridgeToken) return { token: inputs.bridgeToken, source: 'bridge' };
  const fromHash = tokenFromHash(inputs.hash);
  if (fromHash) return { token: fromHash, source: 'fragment' };
  const stored = inputs.stored?.trim();
  if (stored) return { token: stored, source: 'session' };
  return { token: undefined, source: 'none' };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
