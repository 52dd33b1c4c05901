import { API } from '../../../../shared/api';
import {
  ImportConversationsSchema,
  PutConversationSchema,
  PutMessageSchema,
  ReplyStatsSchema,
  type ConversationResponse,
  type ConversationsResponse,
  type ConversationSummary,
} from '../../../../shared/conversations';
import * as s from './json-schema';
import { json, op, template, type Paths } from './operations';

const TAG = 'history';

const summary = {
  id: s.str,
  title: s.str,
  created_at: { ...s.int, description: 'Milliseconds since the epoch.' },
  updated_at: { ...s.int, description: 'When a message or the title last changed (ms).' },
  message_count: s.int,
};

/** The chat history and settings kept in the daemon's SQLite store. */
export const conversationSchemas = () => ({
  PutConversationRequest: s.fromZod(PutConversationSchema),
  PutMessageRequest: s.fromZod(PutMessageSchema),
  ImportConversationsRequest: s.fromZod(ImportConversationsSchema),
  ReplyStats: s.fromZod(ReplyStatsSchema),
  ConversationSummary: s.object<ConversationSummary>(summary),
  ConversationsResponse: s.object<ConversationsResponse>({
    conversations: s.arrayOf(s.ref('ConversationSummary')),
  }),
  ConversationResponse: s.object<ConversationResponse>({
    ...summary,
    messages: s.arrayOf({
      allOf: [s.ref('PutMessageRequest')],
      properties: { id: s.str },
      required: ['id'],
    }),
  }),
  Settings: s.anyObject('Settings as JSON values under string keys, e.g. `chat.model`.'),
});

export function conversationPaths(): Paths {
  const conversation = template(API.conversation, 'id');
  return {
    [API.conversations]: {
      get: op({
        tag: TAG,
        summary: 'List conversations, most recently updated first',
        ok: {
          status: 200,
          description: 'The conversations.',
          content: json('ConversationsResponse'),
        },
      }),
    },
    [API.conversationsImport]: {
      post: op({
        tag: TAG,
        summary: 'Import conversations (those that exist are left as they are)',
        body: 'ImportConversationsRequest',
        ok: {
          status: 200,
          description: 'How many were imported.',
          content: json({
            type: 'object',
            properties: { imported: s.int },
            required: ['imported'],
          }),
        },
      }),
    },
    [conversation]: {
      get: op({
        tag: TAG,
        summary: 'A conversation with its messages, in order',
        ok: {
          status: 200,
          description: 'The conversation.',
          content: json('ConversationResponse'),
        },
      }),
      put: op({
        tag: TAG,
        summary: 'Create or rename a conversation',
        body: 'PutConversationRequest',
        ok: {
          status: 200,
          description: 'Renamed (201 when created).',
          content: json('ConversationResponse'),
        },
      }),
      delete: op({
        tag: TAG,
        summary: 'Delete a conversation and its messages',
        ok: { status: 204, description: 'Deleted.' },
      }),
    },
    [template(API.conversationMessage, 'id', 'messageId')]: {
      put: op({
        tag: TAG,
        summary: 'Create or replace a message',
        description:
          'A new message goes after the others; a replaced one keeps its place. Committed to ' +
          'disk before the answer.',
        body: 'PutMessageRequest',
        ok: { status: 204, description: 'Saved.' },
      }),
      delete: op({
        tag: TAG,
        summary: 'Delete a message',
        ok: { status: 204, description: 'Deleted.' },
      }),
    },
    [API.settings]: {
      get: op({
        tag: TAG,
        summary: 'All settings',
        ok: { status: 200, description: 'The settings.', content: json('Settings') },
      }),
      patch: op({
        tag: TAG,
        summary: 'Set some settings (a null value removes the key)',
        body: 'Settings',
        ok: {
          status: 200,
          description: 'All settings after the change.',
          content: json('Settings'),
        },
      }),
    },
  };
}
