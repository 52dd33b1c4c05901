import type { HostView } from '../../shared/events';
import type { AgentVersionResponse } from '../../shared/hosts';
import { AlertIcon, CheckIcon } from '../ui/icons';
import { agentHealth, formatAge, staleNote, type Tone } from './host-facts';
import { outdatedText } from './agent-version';
import type { HostBusy } from './use-hosts-store';

interface Notice {
  tone: Tone;
  text: string;
}

/** The one line under a host's name that says what is going on, worst news first. */
export function hostNotice(
  view: HostView,
  now: number,
  busy: HostBusy | undefined,
  error: string | undefined,
  version?: AgentVersionResponse,
): Notice {
  const { state, reason, agent_dir: dir } = view.info;
  if (busy === 'awaiting-trust') {
    return { tone: 'warn', text: 'Waiting for you to compare and trust its host key…' };
  }
  if (busy === 'trusting') return { tone: 'busy', text: 'Trusting the key and connecting…' };
  if (busy === 'replacing') return { tone: 'busy', text: 'Replacing the key and connecting…' };
  if (busy === 'removing') return { tone: 'busy', text: 'Removing…' };
  if (error) return { tone: 'danger', text: error };
  if (state === 'offline' && reason && /unknown host key/i.test(reason)) {
    return {
      tone: 'warn',
      text: 'Its host key is not trusted yet: Connect to compare and trust it.',
    };
  }
  if (state === 'offline' && view.info.reason_code === 'SSH_HOSTKEY_MISMATCH') {
    return {
      tone: 'danger',
      text: 'Its host key has changed since rbees trusted it: review the change before connecting.',
    };
  }
  if (state === 'offline') return { tone: 'danger', text: reason ?? 'The connection failed.' };
  if (state === 'reconnecting') {
    return { tone: 'warn', text: `Connection lost${reason ? `: ${reason}` : ''}. Retrying…` };
  }
  if (state === 'connecting' || busy === 'connecting') {
    return { tone: 'busy', text: 'Connecting over SSH…' };
  }
  if (state === 'idle') return { tone: 'muted', text: 'Not connected. Connect to see its GPUs.' };
  const agent = agentHealth(view);
  if (agent.kind === 'missing') {
    return { tone: 'warn', text: `Agent not installed: no rbees-pool in ${dir} yet.` };
  }
  if (agent.kind === 'failed') return { tone: 'danger', text: `Agent failed: ${agent.message}` };
  const outdated = agent.kind === 'ok' ? outdatedText(version) : null;
  if (outdated) return { tone: 'warn', text: `${outdated} Update it to run this version.` };
  const stale = staleNote(view, now);
  if (stale) return { tone: 'warn', text: `${stale}: the numbers below may be out of date.` };
  if (agent.kind === 'unknown') return { tone: 'busy', text: 'Asking the agent for its status…' };
  return {
    tone: 'ok',
    text: `Agent ready · updated ${formatAge(now - (view.status_at ?? now))}`,
  };
}

export function NoticeLine({ notice }: { notice: Notice }) {
  const alert = notice.tone === 'danger' || notice.tone === 'warn';
  return (
    <p
      className="host-notice"
      data-tone={notice.tone}
      data-testid="host-notice"
      title={notice.text}
      role={notice.tone === 'danger' ? 'alert' : undefined}
    >
      {notice.tone === 'busy' ? (
        <span className="spinner" aria-hidden="true" />
      ) : alert ? (
        <AlertIcon size={15} />
      ) : notice.tone === 'ok' ? (
        <CheckIcon size={15} />
      ) : (
        <span className="host-notice-dot" aria-hidden="true" />
      )}
      <span className="host-notice-text">{notice.text}</span>
    </p>
  );
}
