import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { API } from '../../../../shared/api';
import {
  CONVERSATION_ID,
  ImportConversationsSchema,
  PutConversationSchema,
  PutMessageSchema,
  type ConversationResponse,
  type ConversationsResponse,
} from '../../../../shared/conversations';
import { parseBody } from '../../../../shared/validation';
import type { Store } from '../../store/store';

type ById = { Params: { id: string } };
type ByMessage = { Params: { id: string; messageId: string } };

const SettingsPatchSchema = z.record(z.string().min(1).max(128), z.json());

/**
 * The chat history and the settings, kept by the daemon so they survive the app, a browser change
 * and a crash: each write is committed before the reply says it was done.
 */
export function conversationRoutes(app: FastifyInstance, store: Store): void {
  const { conversations, settings } = store;

  app.get(API.conversations, async (): Promise<ConversationsResponse> => ({
    conversations: conversations.list(),
  }));

  app.post(API.conversationsImport, async (request) => ({
    imported: conversations.import(parseBody(ImportConversationsSchema, request.body)),
  }));

  app.get<ById>(`${API.conversations}/:id`, async (request): Promise<ConversationResponse> =>
    conversations.get(request.params.id),
  );

  app.put<ById>(`${API.conversations}/:id`, async (request, reply) => {
    const id = parseBody(CONVERSATION_ID, request.params.id);
    const { title, created_at } = parseBody(PutConversationSchema, request.body);
    const created = conversations.put(id, title, Date.now(), created_at);
    return reply.code(created ? 201 : 200).send(conversations.get(id));
  });

  app.delete<ById>(`${API.conversations}/:id`, async (request, reply) => {
    conversations.remove(request.params.id);
    return reply.code(204).send();
  });

  app.put<ByMessage>(`${API.conversations}/:id/messages/:messageId`, async (request, reply) => {
    const messageId = parseBody(CONVERSATION_ID, request.params.messageId);
    const message = parseBody(PutMessageSchema, request.body);
    conversations.putMessage(request.params.id, messageId, message, Date.now());
    return reply.code(204).send();
  });

  app.delete<ByMessage>(`${API.conversations}/:id/messages/:messageId`, async (request, reply) => {
    conversations.removeMessage(request.params.id, request.params.messageId);
    return reply.code(204).send();
  });

  app.get(API.settings, async () => settings.all());

  app.patch(API.settings, async (request) => {
    settings.merge(parseBody(SettingsPatchSchema, request.body));
    return settings.all();
  });
}
