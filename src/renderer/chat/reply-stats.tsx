import type { StopReason } from '../../shared/sdk';
import { formatMs, formatRate } from '../ui/format';
import type { MessageStatus, ReplyStats as Stats } from './chat-types';

const STOP_TEXT: Record<StopReason, string> = {
  eos: 'finished',
  max_tokens: 'hit max tokens',
  stop_sequence: 'stop sequence',
  tool_calls: 'called a tool',
  cancelled: 'stopped',
};

/** The line under a reply: model, host, time to first token, speed, length, why it ended. */
export function ReplyStats({ stats, status }: { stats: Stats | undefined; status: MessageStatus }) {
  const s = stats ?? {};
  const items: { key: string; label?: string; value: string; title: string }[] = [];
  if (s.model) items.push({ key: 'model', value: s.model, title: 'Model' });
  if (s.host) {
    items.push({
      key: 'host',
      value: s.worker ? `${s.host} · ${s.worker}` : s.host,
      title: 'Host and worker that ran the reply',
    });
  }
  if (s.ttft_ms !== undefined && s.ttft_ms !== null) {
    items.push({
      key: 'ttft',
      label: 'TTFT',
      value: formatMs(s.ttft_ms),
      title: 'Time to first token',
    });
  }
  if (s.tokens_per_sec !== undefined) {
    items.push({
      key: 'rate',
      value: `${formatRate(s.tokens_per_sec)} tok/s`,
      title: 'Tokens per second',
    });
  }
  if (s.tokens_out !== undefined) {
    items.push({ key: 'tokens', value: `${s.tokens_out} tokens`, title: 'Tokens generated' });
  }
  if (status === 'stopped' && s.stop_reason !== 'cancelled') {
    items.push({ key: 'stop', value: 'stopped', title: 'Stop reason' });
  } else if (s.stop_reason && status !== 'streaming') {
    items.push({ key: 'stop', value: STOP_TEXT[s.stop_reason], title: 'Stop reason' });
  }

  return (
    <div className="reply-stats" data-testid="reply-stats">
      {items.map((item) => (
        <span
          key={item.key}
          className={`stat stat-${item.key}`}
          data-stat={item.key}
          title={item.title}
        >
          {item.label ? <span className="stat-label">{item.label}</span> : null}
          {item.value}
        </span>
      ))}
    </div>
  );
}
