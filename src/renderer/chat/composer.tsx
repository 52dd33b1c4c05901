import { useRef, type KeyboardEvent } from 'react';
import { isMac } from '../api/connection';
import { SendIcon, StopIcon } from '../ui/icons';
import { chatDriver } from './chat-driver';
import { selectStreaming, useChatStore } from './use-chat-store';

/** The message box: Enter or Ctrl/⌘+Enter sends, Shift+Enter starts a new line, Esc stops. */
export function Composer() {
  const draft = useChatStore((s) => s.draft);
  const setDraft = useChatStore((s) => s.setDraft);
  const model = useChatStore((s) => s.settings.model);
  const streaming = useChatStore(selectStreaming);
  const input = useRef<HTMLTextAreaElement>(null);
  const canSend = Boolean(draft.trim() && model) && !streaming;

  const send = () => {
    if (!canSend) return;
    if (chatDriver.send(draft)) setDraft('');
    input.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter while an IME composes a character confirms the character, it does not send.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    send();
  };
  const mod = isMac() ? '⌘' : 'Ctrl';

  return (
    <div className="composer">
      <div className="composer-box">
        <textarea
          ref={input}
          aria-label="Message"
          placeholder={model ? `Message ${model}` : 'Pick a model to start'}
          value={draft}
          rows={1}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          data-testid="composer-input"
        />
        <div className="composer-row">
          <span className="composer-hint">
            <kbd>Enter</kbd> or <kbd>{mod}</kbd>+<kbd>Enter</kbd> to send · <kbd>Shift</kbd>+
            <kbd>Enter</kbd> new line
            {streaming ? (
              <>
                {' '}
                · <kbd>Esc</kbd> to stop
              </>
            ) : null}
          </span>
          {streaming ? (
            <button type="button" className="button stop" onClick={() => chatDriver.stop()}>
              <StopIcon size={14} />
              Stop
            </button>
          ) : (
            <button type="button" className="button primary" onClick={send} disabled={!canSend}>
              <SendIcon size={15} />
              Send
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
