import { useEffect, useLayoutEffect, useRef } from 'react';
import { useConnectionStore } from '../api/use-connection-store';
import { useModelsStore } from '../models/use-models-store';
import { ChatIcon } from '../ui/icons';
import { EmptyState } from '../ui/empty-state';
import { MessageItem } from './message-item';
import { selectActive, useChatStore } from './use-chat-store';

/** How close to the bottom (px) still counts as "at the bottom" for following a stream. */
const STICK_PX = 48;

/** The conversation, following a streaming reply only while the user is at the bottom. */
export function MessageList() {
  const messages = useChatStore((s) => selectActive(s)?.messages);
  const activeId = useChatStore((s) => s.activeId);
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const count = messages?.length ?? 0;
  const hasMessages = count > 0;

  // A new message (the user sent one) or another conversation brings the view down; a reply's
  // growth only while following. A layout effect: the flag is set before the observer runs.
  useLayoutEffect(() => {
    atBottom.current = true;
  }, [count, activeId]);

  // Scroll from a ResizeObserver, which runs after layout: reading scrollHeight on every commit
  // instead forced a synchronous layout per frame, the costliest part of a fast stream.
  useEffect(() => {
    const el = scroller.current;
    const inner = content.current;
    if (!el || !inner) return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(inner);
    return () => observer.disconnect();
  }, [hasMessages]);

  if (!messages || messages.length === 0) return <ChatEmpty />;
  return (
    <div
      className="messages"
      ref={scroller}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
      }}
      data-testid="message-list"
    >
      <div
        className="messages-inner"
        ref={content}
        role="log"
        aria-label="Conversation"
        aria-live="off"
      >
        {messages.map((m, i) => (
          <MessageItem key={m.id} message={m} isLast={i === messages.length - 1} />
        ))}
      </div>
    </div>
  );
}

function ChatEmpty() {
  const models = useModelsStore((s) => s.models);
  const loaded = useModelsStore((s) => s.loaded);
  const modelsDir = useConnectionStore((s) => s.info?.models_dir);
  const noModels = loaded && models.length === 0;
  return (
    <div className="messages messages-empty">
      <EmptyState
        testId="chat-empty"
        icon={<ChatIcon size={28} />}
        title={noModels ? 'Add a model to start chatting' : 'Start a conversation'}
      >
        {noModels ? (
          <p>
            Put a <code>.gguf</code> file in <code>{modelsDir ?? '$RBEES_HOME/models'}</code>, then
            pick it in the Model list above.
          </p>
        ) : (
          <p>
            Pick a model above and type a message below. The model loads on the first message;
            replies stream in as they are generated.
          </p>
        )}
      </EmptyState>
    </div>
  );
}
