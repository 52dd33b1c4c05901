import { z } from 'zod';
import { ERROR_CODES } from './errors';

/**
 * The chat history as the daemon keeps it (SQLite) and the UI shows it. A message is written when
 * it is committed (sent, or its reply ended); a reply still streaming lives only in the UI.
 */

const STOP_REASONS = ['eos', 'max_tokens', 'stop_sequence', 'tool_calls', 'cancelled'] as const;

/** What the stats line under a reply shows; filled in as the stream's events arrive. */
export const ReplyStatsSchema = z.object({
  model: z.string().optional(),
  host: z.string().optional(),
  /** The worker that ran the reply, on `host`. */
  worker: z.string().optional(),
  queue_position: z.number().optional(),
  /** Set by the `started` event: a worker is generating (no longer queued or loading). */
  started_at: z.string().optional(),
  /** Time to first token, ms: the worker's figure when it sends one, else measured by the UI. */
  ttft_ms: z.number().nullable().optional(),
  tokens_per_sec: z.number().optional(),
  tokens_out: z.number().optional(),
  prompt_tokens: z.number().optional(),
  decode_time_ms: z.number().optional(),
  stop_reason: z.enum(STOP_REASONS).optional(),
});
export type ReplyStats = z.infer<typeof ReplyStatsSchema>;

const ID = z.string().min(1).max(128);

export const MessageStatusSchema = z.enum(['streaming', 'done', 'stopped', 'error']);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

/** `PUT /api/conversations/:id/messages/:messageId`: creates or replaces one message. */
export const PutMessageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  // A reply can be longer than a prompt; 1 MiB of text is far past any model's output.
  content: z.string().max(1 << 20),
  status: MessageStatusSchema,
  created_at: z.int().min(0),
  stats: ReplyStatsSchema.optional(),
  error: z
    .object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      correlation_id: z.string().optional(),
    })
    .optional(),
});
export type PutMessageRequest = z.infer<typeof PutMessageSchema>;

/** A message as the store keeps it: the request and its id. */
export const StoredMessageSchema = PutMessageSchema.extend({ id: ID });
export type StoredMessage = z.infer<typeof StoredMessageSchema>;

/** `PUT /api/conversations/:id`: creates it, or renames it. */
export const PutConversationSchema = z.object({
  title: z.string().min(1).max(200),
  created_at: z.int().min(0).optional(),
});

/** `POST /api/conversations/import`: the UI's old browser-kept history, moved in once. */
export const ImportConversationsSchema = z.object({
  conversations: z
    .array(
      z.object({
        id: ID,
        title: z.string().min(1).max(200),
        created_at: z.int().min(0),
        updated_at: z.int().min(0),
        messages: z.array(StoredMessageSchema).max(10_000),
      }),
    )
    .max(10_000),
});
export type ImportConversationsRequest = z.infer<typeof ImportConversationsSchema>;

export const ConversationSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  /** Milliseconds since the epoch. */
  created_at: z.int(),
  /** When a message or the title last changed (ms). */
  updated_at: z.int(),
  message_count: z.int(),
});
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

/** `GET /api/conversations`: most recently updated first. */
export const ConversationsResponseSchema = z.object({
  conversations: z.array(ConversationSummarySchema),
});
export type ConversationsResponse = z.infer<typeof ConversationsResponseSchema>;

/** `GET /api/conversations/:id`: with its messages, in order. */
export const ConversationResponseSchema = ConversationSummarySchema.extend({
  messages: z.array(StoredMessageSchema),
});
export type ConversationResponse = z.infer<typeof ConversationResponseSchema>;

/** `POST /api/conversations/import`: how many were imported (those that exist are left). */
export const ImportedResponseSchema = z.object({ imported: z.int() });
export type ImportedResponse = z.infer<typeof ImportedResponseSchema>;

/** Any JSON value (one schema, so that the API document can name this recursive type). */
export const JsonValueSchema = z.json();

/** `PATCH /api/settings` (a null value removes the key), and what `GET` answers. */
export const SettingsSchema = z
  .record(z.string().min(1).max(128), JsonValueSchema)
  .meta({ description: 'Settings as JSON values under string keys, e.g. `chat.model`.' });
export type Settings = z.infer<typeof SettingsSchema>;

export const CONVERSATION_ID = ID;
