import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API } from '../../../../shared/api';
import {
  CONVERSATION_ID,
  ConversationResponseSchema,
  ConversationsResponseSchema,
  ImportConversationsSchema,
  ImportedResponseSchema,
  PutConversationSchema,
  PutMessageSchema,
  SettingsSchema,
} from '../../../../shared/conversations';
import type { Store } from '../../store/store';
import { ById, empty, ERRORS, ITEM_ID, json } from '../route-schemas';

const TAG = ['history'];
const CONVERSATION = json(ConversationResponseSchema, 'The conversation.');
const ABOUT_MESSAGE = { description: "The message's id, chosen by the client." };
// As before: a new message's id is checked (it is stored), the others are looked up as given.
const ByNewMessage = z.object({ id: ITEM_ID, messageId: CONVERSATION_ID.meta(ABOUT_MESSAGE) });
const ByMessage = z.object({ id: ITEM_ID, messageId: z.string().meta(ABOUT_MESSAGE) });
const SETTINGS = json(SettingsSchema, 'All settings.');

/**
 * The chat history and the settings, kept by the daemon so they survive the app, a browser change
 * and a crash: each write is committed before the reply says it was done.
 */
export function conversationRoutes(app: FastifyInstance, store: Store): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { conversations, settings } = store;

  api.get(
    API.conversations,
    {
      schema: {
        tags: TAG,
        summary: 'List conversations, most recently updated first',
        response: { 200: json(ConversationsResponseSchema, 'The conversations.'), ...ERRORS },
      },
    },
    async () => ({ conversations: conversations.list() }),
  );

  api.post(
    API.conversationsImport,
    {
      schema: {
        tags: TAG,
        summary: 'Import conversations (those that exist are left as they are)',
        body: ImportConversationsSchema,
        response: { 200: json(ImportedResponseSchema, 'How many were imported.'), ...ERRORS },
      },
    },
    async (request) => ({ imported: conversations.import(request.body) }),
  );

  api.get(
    `${API.conversations}/:id`,
    {
      schema: {
        tags: TAG,
        summary: 'A conversation with its messages, in order',
        params: ById,
        response: { 200: CONVERSATION, ...ERRORS },
      },
    },
    async (request) => conversations.get(request.params.id),
  );

  api.put(
    `${API.conversations}/:id`,
    {
      schema: {
        tags: TAG,
        summary: 'Create or rename a conversation',
        params: z.object({ id: CONVERSATION_ID.meta({ description: "The conversation's id." }) }),
        body: PutConversationSchema,
        response: {
          200: CONVERSATION,
          201: json(ConversationResponseSchema, 'Created.'),
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { title, created_at } = request.body;
      const created = conversations.put(id, title, Date.now(), created_at);
      return reply.code(created ? 201 : 200).send(conversations.get(id));
    },
  );

  api.delete(
    `${API.conversations}/:id`,
    {
      schema: {
        tags: TAG,
        summary: 'Delete a conversation and its messages',
        params: ById,
        response: { 204: empty('Deleted.'), ...ERRORS },
      },
    },
    async (request, reply) => {
      conversations.remove(request.params.id);
      return reply.code(204).send();
    },
  );

  api.put(
    `${API.conversations}/:id/messages/:messageId`,
    {
      schema: {
        tags: TAG,
        summary: 'Create or replace a message',
        description:
          'A new message goes after the others; a replaced one keeps its place. Committed to ' +
          'disk before the answer.',
        params: ByNewMessage,
        body: PutMessageSchema,
        response: { 204: empty('Saved.'), ...ERRORS },
      },
    },
    async (request, reply) => {
      const { id, messageId } = request.params;
      conversations.putMessage(id, messageId, request.body, Date.now());
      return reply.code(204).send();
    },
  );

  api.delete(
    `${API.conversations}/:id/messages/:messageId`,
    {
      schema: {
        tags: TAG,
        summary: 'Delete a message',
        params: ByMessage,
        response: { 204: empty('Deleted.'), ...ERRORS },
      },
    },
    async (request, reply) => {
      conversations.removeMessage(request.params.id, request.params.messageId);
      return reply.code(204).send();
    },
  );

  api.get(
    API.settings,
    {
      schema: { tags: TAG, summary: 'All settings', response: { 200: SETTINGS, ...ERRORS } },
    },
    async () => settings.all(),
  );

  api.patch(
    API.settings,
    {
      schema: {
        tags: TAG,
        summary: 'Set some settings (a null value removes the key)',
        body: SettingsSchema,
        response: { 200: json(SettingsSchema, 'All settings after the change.'), ...ERRORS },
      },
    },
    async (request) => {
      settings.merge(request.body);
      return settings.all();
    },
  );
}
