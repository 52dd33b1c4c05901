import type { MessageStatus, ReplyStats } from '../../shared/conversations';
import type { ErrorBody } from '../../shared/sdk';

export type { MessageStatus, ReplyStats };

export interface ChatItem {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  created_at: number;
  stats?: ReplyStats;
  error?: ErrorBody;
}

export interface Conversation {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  messages: ChatItem[];
  /** Listed by the daemon, its messages not fetched yet (they are when it is opened). */
  unloaded?: true;
}

export interface ChatSettings {
  /** The model id the next message goes to. */
  model: string;
  systemPrompt: string;
  temperature: number;
  maxTokens: number;
}

/** Everything the chat keeps (and persists): plain data only. */
export interface ChatData {
  conversations: Record<string, Conversation>;
  /** Conversation ids, most recently used first. */
  order: string[];
  activeId: string | null;
  settings: ChatSettings;
  settingsOpen: boolean;
  /** What is typed in the composer, kept across view switches and reloads. */
  draft: string;
}
