import type { ErrorBody, StopReason } from '../../shared/sdk';

export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'error';

/** What the stats line under a reply shows; filled in as the stream's events arrive. */
export interface ReplyStats {
  model?: string;
  host?: string;
  /** The worker that ran the reply, on `host`. */
  worker?: string;
  queue_position?: number;
  /** Set by the `started` event: a worker is generating (no longer queued or loading). */
  started_at?: string;
  /** Time to first token, ms: the worker's figure when it sends one, else measured here. */
  ttft_ms?: number | null;
  tokens_per_sec?: number;
  tokens_out?: number;
  prompt_tokens?: number;
  decode_time_ms?: number;
  stop_reason?: StopReason;
}

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
