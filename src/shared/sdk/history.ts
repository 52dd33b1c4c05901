import { API } from '../api';
import type {
  ConversationResponse,
  ConversationsResponse,
  ConversationSummary,
  ImportConversationsRequest,
  ImportedResponse,
  PutMessageRequest,
  Settings,
} from '../conversations';
import type { Client } from './client';

/** The chat history and settings the daemon keeps (SQLite), for the UI and any other client. */
export class HistoryApi {
  constructor(private readonly client: Client) {}

  async conversations(): Promise<ConversationSummary[]> {
    return (await this.client.json<ConversationsResponse>(API.conversations)).conversations;
  }

  conversation(id: string): Promise<ConversationResponse> {
    return this.client.json(API.conversation(id));
  }

  /** Creates the conversation, or renames it. */
  putConversation(id: string, title: string, createdAt?: number): Promise<ConversationResponse> {
    return this.client.json(API.conversation(id), {
      method: 'PUT',
      body: { title, ...(createdAt !== undefined ? { created_at: createdAt } : {}) },
    });
  }

  deleteConversation(id: string): Promise<void> {
    return this.client.json(API.conversation(id), { method: 'DELETE' });
  }

  /** Creates or replaces a message; resolves once it is committed to disk. */
  putMessage(conversationId: string, id: string, message: PutMessageRequest): Promise<void> {
    return this.client.json(API.conversationMessage(conversationId, id), {
      method: 'PUT',
      body: message,
    });
  }

  deleteMessage(conversationId: string, id: string): Promise<void> {
    return this.client.json(API.conversationMessage(conversationId, id), { method: 'DELETE' });
  }

  async import(request: ImportConversationsRequest): Promise<number> {
    return (
      await this.client.json<ImportedResponse>(API.conversationsImport, {
        method: 'POST',
        body: request,
      })
    ).imported;
  }

  settings(): Promise<Settings> {
    return this.client.json(API.settings);
  }

  /** Sets some settings (null removes one); resolves to all of them. */
  patchSettings(patch: Record<string, unknown>): Promise<Settings> {
    return this.client.json(API.settings, { method: 'PATCH', body: patch });
  }
}
