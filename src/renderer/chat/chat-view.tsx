import { useEffect } from 'react';
import { SlidersIcon } from '../ui/icons';
import { Composer } from './composer';
import { ConversationList } from './conversation-list';
import { warmUpMarkdown } from './markdown-view';
import { MessageList } from './message-list';
import { ModelPicker } from './model-picker';
import { SettingsPanel } from './settings-panel';
import { useChatStore } from './use-chat-store';
import './chat.css';

/** The chat: conversations on the left, the conversation in the middle, settings on the right. */
export function ChatView() {
  const settingsOpen = useChatStore((s) => s.settingsOpen);
  const toggleSettings = useChatStore((s) => s.toggleSettings);
  useEffect(() => warmUpMarkdown(), []);

  return (
    <div className="chat" data-testid="chat-view">
      <ConversationList />
      <section className="chat-main" aria-label="Chat">
        <div className="chat-toolbar">
          <ModelPicker />
          <button
            type="button"
            className={`ghost-button ${settingsOpen ? 'active' : ''}`}
            onClick={toggleSettings}
            aria-expanded={settingsOpen}
            aria-controls="chat-settings"
          >
            <SlidersIcon size={16} />
            Settings
          </button>
        </div>
        <MessageList />
        <Composer />
      </section>
      {settingsOpen ? <SettingsPanel /> : null}
    </div>
  );
}
