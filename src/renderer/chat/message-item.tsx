import { memo } from 'react';
import type { ErrorBody } from '../../shared/sdk';
import { errorTitle } from '../api/error-text';
import { CopyButton } from '../ui/copy-button';
import { AlertIcon, RegenerateIcon } from '../ui/icons';
import { chatDriver } from './chat-driver';
import type { ChatItem } from './chat-types';
import { MarkdownView } from './markdown-view';
import { ReplyStats } from './reply-stats';
import './message.css';

interface MessageItemProps {
  message: ChatItem;
  /** The last message of the conversation: only its reply can be regenerated. */
  isLast: boolean;
}

/**
 * One message. Memoized: a finished message keeps its object identity in the store, so while a
 * reply streams only that reply renders again, never the whole conversation.
 */
export const MessageItem = memo(function MessageItem({ message, isLast }: MessageItemProps) {
  if (message.role === 'user') {
    return (
      <article className="message user" data-testid="message-user" data-status={message.status}>
        <h3 className="visually-hidden">You</h3>
        <div className="bubble">{message.content}</div>
      </article>
    );
  }
  const streaming = message.status === 'streaming';
  return (
    <article
      className={`message assistant ${message.status}`}
      data-testid="message-assistant"
      data-status={message.status}
      aria-busy={streaming}
    >
      <h3 className="visually-hidden">Assistant</h3>
      {message.content ? (
        <MarkdownView text={message.content} streaming={streaming} />
      ) : streaming ? (
        <Waiting
          queuePosition={message.stats?.queue_position}
          started={Boolean(message.stats?.started_at)}
        />
      ) : null}
      {message.status === 'stopped' && !message.content ? (
        <p className="reply-note">Stopped before the first token.</p>
      ) : null}
      {message.error ? <ErrorNotice error={message.error} /> : null}
      <div className="reply-foot">
        <ReplyStats stats={message.stats} status={message.status} />
        {/* Always laid out, hidden while streaming: the row keeps its size when the reply ends. */}
        <div className={streaming ? 'reply-actions pending' : 'reply-actions'}>
          {message.content ? (
            <CopyButton text={message.content} label="Copy" className="icon-only" />
          ) : null}
          {isLast ? (
            <button
              type="button"
              className="ghost-button small icon-only"
              onClick={() => chatDriver.regenerate()}
              aria-label="Regenerate"
              title="Regenerate this reply"
            >
              <RegenerateIcon size={15} />
            </button>
          ) : null}
        </div>
      </div>
    </article>
  );
});

function Waiting({ queuePosition, started }: { queuePosition?: number; started: boolean }) {
  const text =
    queuePosition !== undefined && queuePosition > 0
      ? `Queued, position ${queuePosition}…`
      : started
        ? 'Generating…'
        : 'Waiting for the model…';
  return (
    <div className="waiting" role="status">
      <span className="dots" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      {text}
    </div>
  );
}

const HINTS: Partial<Record<ErrorBody['code'], string>> = {
  DAEMON_UNREACHABLE: 'Check that the daemon is running, then press Regenerate.',
  MODEL_LOAD_FAILED:
    'The file may be damaged or not a model this version can run. Try another model.',
  MODEL_NOT_FOUND: 'Pick a model from the list above; the Models view shows what is installed.',
  WORKER_CRASHED: 'Press Regenerate to start the model again.',
  WORKER_BUSY: 'Wait for the current reply to finish, then press Regenerate.',
};

function ErrorNotice({ error }: { error: ErrorBody }) {
  const hint = HINTS[error.code];
  return (
    <div className="message-error" role="alert" data-testid="message-error" data-code={error.code}>
      <AlertIcon size={18} />
      <div>
        <p>
          <strong>{errorTitle(error.code)}:</strong> {error.message}
        </p>
        {hint ? <p className="message-error-hint">{hint}</p> : null}
      </div>
    </div>
  );
}
