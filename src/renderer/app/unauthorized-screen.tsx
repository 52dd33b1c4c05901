import { useState } from 'react';
import { getConnection, setTokenByHand } from '../api/connection';
import { useConnectionStore } from '../api/use-connection-store';
import { KeyIcon, LogoMark } from '../ui/icons';

/**
 * The whole page when the daemon refuses us (or we have no token): say where the token is and
 * take one typed in, rather than showing views that would all fail.
 */
export function UnauthorizedScreen() {
  const error = useConnectionStore((s) => s.error);
  const checking = useConnectionStore((s) => s.checking);
  const check = useConnectionStore((s) => s.check);
  const [token, setToken] = useState('');
  const hadToken = Boolean(getConnection().token);
  const origin = getConnection().apiBase;

  const connect = () => {
    const value = token.trim();
    if (!value) return;
    setTokenByHand(value);
    void check();
  };

  return (
    <main className="token-screen" data-testid="unauthorized-screen">
      <div className="token-card">
        <div className="token-card-head">
          <LogoMark size={36} />
          <KeyIcon size={22} />
        </div>
        <h1>{hadToken ? 'The daemon refused this token' : 'Open rbees with its access token'}</h1>
        <p>
          {hadToken
            ? 'The token this page has is not the daemon’s (it may have been started with a new one).'
            : 'This page was opened without the token that the rbees daemon requires.'}{' '}
          Open the address that <code>rbees-orcd</code> printed when it started; it ends in{' '}
          <code>#token=…</code>, for example:
        </p>
        <pre className="token-example">{`${origin}/#token=<token>`}</pre>
        <p>
          The token is also in the file <code>~/.rbees/token</code> (or{' '}
          <code>$RBEES_HOME/token</code>) on the computer that runs the daemon. Paste it here:
        </p>
        <div className="token-form">
          <input
            type="password"
            aria-label="Access token"
            placeholder="Access token"
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') connect();
            }}
          />
          <button
            type="button"
            className="button primary"
            onClick={connect}
            disabled={!token.trim() || checking}
          >
            Connect
          </button>
        </div>
        {hadToken && error ? <p className="token-error">{error.message}</p> : null}
      </div>
    </main>
  );
}
