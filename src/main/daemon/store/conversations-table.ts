import { RbeesError } from '../../../shared/errors';
import type {
  ConversationResponse,
  ConversationSummary,
  ImportConversationsRequest,
  PutMessageRequest,
  StoredMessage,
} from '../../../shared/conversations';
import { transaction, type Database } from './sqlite';

interface MessageRow {
  id: string;
  role: StoredMessage['role'];
  content: string;
  status: StoredMessage['status'];
  created_at: number;
  extra: string | null;
}

const SUMMARY = `
  SELECT c.id, c.title, c.created_at, c.updated_at,
         (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count
  FROM conversations c`;

/** Conversations and their messages: each write is one transaction, committed when it returns. */
export class ConversationsTable {
  constructor(private readonly db: Database) {}

  list(): ConversationSummary[] {
    return this.db
      .prepare(`${SUMMARY} ORDER BY c.updated_at DESC, c.id`)
      .all() as ConversationSummary[];
  }

  get(id: string): ConversationResponse {
    const summary = this.db.prepare(`${SUMMARY} WHERE c.id = ?`).get(id) as
      ConversationSummary | undefined;
    if (!summary) throw notFound(id);
    const rows = this.db
      .prepare(
        'SELECT id, role, content, status, created_at, extra FROM messages ' +
          'WHERE conversation_id = ? ORDER BY seq',
      )
      .all(id) as MessageRow[];
    return { ...summary, messages: rows.map(toMessage) };
  }

  /** Creates the conversation, or renames it; returns whether it was created. */
  put(id: string, title: string, now: number, createdAt = now): boolean {
    return transaction(this.db, () => {
      const renamed = this.db
        .prepare('UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?')
        .run(title, now, id);
      if (Number(renamed.changes) > 0) return false;
      this.db
        .prepare(
          'INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)',
        )
        .run(id, title, createdAt, now);
      return true;
    });
  }

  remove(id: string): void {
    const result = this.db.prepare('DELETE FROM conversations WHERE id = ?').run(id);
    if (Number(result.changes) === 0) throw notFound(id);
  }

  /**
   * Creates or replaces a message. A new one goes after the others; a replaced one (a reply that
   * finished, or was regenerated) keeps its place.
   */
  putMessage(conversationId: string, id: string, message: PutMessageRequest, now: number): void {
    transaction(this.db, () => {
      const touched = this.db
        .prepare('UPDATE conversations SET updated_at = ? WHERE id = ?')
        .run(now, conversationId);
      if (Number(touched.changes) === 0) throw notFound(conversationId);
      this.insertMessage(conversationId, id, message);
    });
  }

  removeMessage(conversationId: string, id: string): void {
    const result = this.db
      .prepare('DELETE FROM messages WHERE conversation_id = ? AND id = ?')
      .run(conversationId, id);
    if (Number(result.changes) === 0) {
      throw new RbeesError('NOT_FOUND', `No message "${id}" in conversation "${conversationId}".`);
    }
  }

  /** Moves a whole history in at once; conversations that already exist are left as they are. */
  import(request: ImportConversationsRequest): number {
    return transaction(this.db, () => {
      let imported = 0;
      const insert = this.db.prepare(
        'INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (id) DO NOTHING',
      );
      for (const c of request.conversations) {
        if (Number(insert.run(c.id, c.title, c.created_at, c.updated_at).changes) === 0) continue;
        for (const { id, ...message } of c.messages) this.insertMessage(c.id, id, message);
        imported += 1;
      }
      return imported;
    });
  }

  private insertMessage(conversationId: string, id: string, m: PutMessageRequest): void {
    const extra = m.stats || m.error ? JSON.stringify({ stats: m.stats, error: m.error }) : null;
    this.db
      .prepare(
        `INSERT INTO messages (conversation_id, id, seq, role, content, status, created_at, extra)
         VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE conversation_id = ?),
                 ?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id, id) DO UPDATE SET role = excluded.role,
           content = excluded.content, status = excluded.status, extra = excluded.extra`,
      )
      .run(conversationId, id, conversationId, m.role, m.content, m.status, m.created_at, extra);
  }
}

function toMessage(row: MessageRow): StoredMessage {
  const extra = row.extra ? (JSON.parse(row.extra) as Pick<StoredMessage, 'stats' | 'error'>) : {};
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    status: row.status,
    created_at: row.created_at,
    ...(extra.stats ? { stats: extra.stats } : {}),
    ...(extra.error ? { error: extra.error } : {}),
  };
}

function notFound(id: string): RbeesError {
  return new RbeesError('NOT_FOUND', `No conversation "${id}".`);
}
