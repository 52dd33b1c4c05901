import { API } from '../../shared/api';
import { isErrorCode, RbeesError, type ErrorBody } from '../../shared/errors';
import { getClient, getPool } from '../api/connection';
import { describeError, toUiError } from '../api/error-text';
import type { AgentVersionResponse, HostInfo } from '../../shared/hosts';
import { describeStep } from './install-steps';
import { keyChangeRequest, type KeyChangeRequest } from './key-change';
import { useHostsStore, type TrustRequest } from './use-hosts-store';

/** What the Hosts view does on the person's behalf; results land in useHostsStore. */

const store = () => useHostsStore.getState();

/** "gpu-box: The host refused the SSH key: …", unless the daemon's message names it already. */
export function hostError(host: string, error: Pick<ErrorBody, 'code' | 'message'>): string {
  const text = describeError(error);
  return error.message.startsWith(`${host}:`) || text.includes(`${host}:`)
    ? text
    : `${host}: ${text}`;
}

/** Connects; an unknown key opens the trust dialog, a changed one the key-change dialog. */
export async function connectHost(host: string, spec: string): Promise<void> {
  store().setError(host, null);
  store().setBusy(host, 'connecting');
  try {
    await getPool().connect(host);
  } catch (err) {
    const trust = trustRequest(host, spec, err);
    const change = keyChangeRequest(host, toUiError(err));
    if (trust) store().setTrust(trust);
    else if (change) store().setKeyChange(change);
    else store().setError(host, hostError(host, toUiError(err)));
  } finally {
    store().setBusy(host, null);
  }
}

function trustRequest(host: string, spec: string, err: unknown): TrustRequest | null {
  if (!(err instanceof RbeesError) || err.code !== 'SSH_HOSTKEY_UNKNOWN') return null;
  const details = err.details ?? {};
  const fingerprint = details.fingerprint;
  // A key that differs from the one confirmed is a refusal, not a new question.
  if (typeof fingerprint !== 'string' || details.confirmed_fingerprint !== undefined) return null;
  const hostname = typeof details.host === 'string' ? details.host : null;
  const port = typeof details.port === 'number' ? details.port : null;
  return {
    host,
    spec,
    fingerprint,
    keyType: typeof details.key_type === 'string' ? details.key_type : null,
    address: hostname ? (port && port !== 22 ? `[${hostname}]:${port}` : hostname) : null,
  };
}

export async function trustHost(request: TrustRequest): Promise<void> {
  const { host } = request;
  store().setTrust(null);
  store().setError(host, null);
  store().setBusy(host, 'trusting');
  try {
    await getPool().trust(host, request.fingerprint);
  } catch (err) {
    store().setError(host, hostError(host, toUiError(err)));
  } finally {
    store().setBusy(host, null);
  }
}

/**
 * Replaces the changed key saved in rbees' known_hosts by the one the person saw: the daemon
 * checks the host presents exactly `presented`, else keeps the old key and says so.
 */
export async function replaceHostKey(request: KeyChangeRequest): Promise<void> {
  const { host } = request;
  store().setKeyChange(null);
  store().setError(host, null);
  store().setBusy(host, 'replacing');
  try {
    await getClient().json<HostInfo>(API.hostReplaceKey(host), {
      method: 'POST',
      body: { fingerprint: request.presented },
    });
  } catch (err) {
    store().setError(host, hostError(host, toUiError(err)));
  } finally {
    store().setBusy(host, null);
  }
}

/** Asks the daemon whether the host's agent is the one this app ships (for "Agent outdated"). */
export async function loadAgentVersion(host: string): Promise<void> {
  try {
    const agent = await getClient().json<AgentVersionResponse>(API.hostAgent(host));
    store().setAgent(host, agent);
  } catch {
    // Unknown is shown as nothing: the agent's own status says what is wrong with it.
    store().setAgent(host, null);
  }
}

export async function removeHost(host: string): Promise<void> {
  store().setConfirmRemove(null);
  store().setBusy(host, 'removing');
  try {
    await getPool().removeHost(host);
    store().setError(host, null);
  } catch (err) {
    store().setError(host, hostError(host, toUiError(err)));
  } finally {
    store().setBusy(host, null);
  }
}

export async function loadAliases(): Promise<void> {
  try {
    store().setAliases(await getPool().sshAliases());
  } catch {
    // No list is fine: the spec can be typed. The daemon being down shows in its banner.
  }
}

// Outside the store: it holds serializable data only.
let installAbort: AbortController | null = null;

/** Runs the agent install (or update) on `host`, its steps streamed into the install dialog. */
export async function installAgent(host: string, update: boolean): Promise<void> {
  installAbort?.abort();
  const abort = new AbortController();
  installAbort = abort;
  store().setError(host, null);
  store().setInstall({ host, update, state: 'running', steps: [], result: null });
  try {
    const events = getClient().sse(API.hostInstall(host), { method: 'POST', signal: abort.signal });
    for await (const message of events) {
      if (message.event === undefined) continue;
      const facts = JSON.parse(message.data) as Record<string, unknown>;
      const step = { event: message.event, text: describeStep(message.event, facts) };
      store().updateInstall((run) => {
        if (message.event === 'installed') return { ...run, state: 'done', result: step.text };
        if (message.event === 'error') {
          const body: ErrorBody = {
            code: isErrorCode(facts.code) ? facts.code : 'INTERNAL',
            message: typeof facts.message === 'string' ? facts.message : 'The install failed.',
          };
          return { ...run, state: 'failed', result: hostError(host, body) };
        }
        return { ...run, steps: [...run.steps, step] };
      });
    }
    store().updateInstall((run) =>
      run.state === 'running'
        ? { ...run, state: 'failed', result: `${host}: the install stopped without a result.` }
        : run,
    );
    if (store().install?.state === 'done') await loadAgentVersion(host);
  } catch (err) {
    store().updateInstall((run) =>
      abort.signal.aborted
        ? { ...run, state: 'cancelled', result: 'Cancelled: the agent already there stays.' }
        : { ...run, state: 'failed', result: hostError(host, toUiError(err)) },
    );
  } finally {
    if (installAbort === abort) installAbort = null;
  }
}

/** Leaving the stream cancels the install on the daemon (the old agent stays). */
export function cancelInstall(): void {
  installAbort?.abort();
}
