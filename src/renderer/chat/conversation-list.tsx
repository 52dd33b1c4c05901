import { useShallow } from 'zustand/react/shallow';
import { PlusIcon, TrashIcon } from '../ui/icons';
import { chatDriver } from './chat-driver';
import { useChatStore } from './use-chat-store';

/** The conversations, newest first, with New conversation and delete. */
export function ConversationList() {
  // Titles only: a streaming reply changes its conversation every frame, not its title.
  const items = useChatStore(
    useShallow((s) => s.order.map((id) => `${id}\u0000${s.conversations[id]?.title ?? ''}`)),
  );
  const activeId = useChatStore((s) => s.activeId);
  const activeIsEmpty = useChatStore((s) =>
    s.activeId ? (s.conversations[s.activeId]?.messages.length ?? 0) === 0 : false,
  );
  const { newConversation, selectConversation, removeConversation } = useChatStore.getState();

  return (
    <aside className="conversations" aria-label="Conversations">
      <button
        type="button"
        className="button new-chat"
        onClick={() => (activeIsEmpty ? undefined : newConversation())}
        data-testid="new-conversation"
      >
        <PlusIcon size={16} />
        New conversation
      </button>
      {items.length === 0 ? (
        <p className="conversations-empty">
          No conversations yet. They are kept by rbees, so every window and browser sees them.
        </p>
      ) : (
        <ul className="conversation-items">
          {items.map((item) => {
            const [id = '', title = ''] = item.split('\u0000');
            return (
              <li key={id} className="conversation-item">
                <button
                  type="button"
                  className="conversation-select"
                  aria-current={id === activeId ? 'true' : undefined}
                  onClick={() => selectConversation(id)}
                  title={title}
                >
                  {title}
                </button>
                <button
                  type="button"
                  className="icon-button conversation-delete"
                  title="Delete this conversation"
                  onClick={() => {
                    chatDriver.stop(id);
                    removeConversation(id);
                  }}
                >
                  <TrashIcon size={15} />
                  {/* Text, not aria-label: a title is user text and must not turn up in label queries. */}
                  <span className="visually-hidden">Delete conversation {title}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </aside>
  );
}
