import type { Client, ErrorBody, InferenceEvent, TaskRequest } from '../../shared/sdk';
import { toUiError } from '../api/error-text';
import { requestMessages } from './chat-reducers';
import { newId, selectActive, type ChatState } from './chat-slice';
import type { ChatItem, ReplyStats } from './chat-types';
import { frameScheduler, type Scheduler } from '../ui/frame-scheduler';
import { FrameBatcher } from './frame-batcher';

export interface StreamDriverDeps {
  store: { getState: () => ChatState };
  client: () => Pick<Client, 'enqueueStream'>;
  schedule?: Scheduler;
  now?: () => number;
  /** Called when a reply ends, with its error if it failed (connection banner, model list). */
  onSettled?: (error: ErrorBody | undefined) => void;
}

export interface StreamDriver {
  /** Sends a message in the active conversation (a new one if none); false if it cannot now. */
  send: (text: string) => boolean;
  /** Replaces the last reply of the active conversation with a new one. */
  regenerate: () => boolean;
  /** Stops the reply streaming in a conversation (the active one by default). */
  stop: (conversationId?: string) => void;
}

interface Running {
  conversationId: string;
  controller: AbortController;
  batcher: FrameBatcher;
}

/**
 * Runs chat replies: builds the request from the conversation, streams it through the SDK and
 * writes the reply into the store, a frame at a time. The AbortControllers live here, not in the
 * store: they are not data. Aborting makes the SDK cancel the job on the daemon.
 */
export function createStreamDriver(deps: StreamDriverDeps): StreamDriver {
  const { store } = deps;
  const now = deps.now ?? (() => performance.now());
  const running = new Map<string, Running>();

  const isBusy = (conversationId: string) =>
    [...running.values()].some((r) => r.conversationId === conversationId);

  const newReply = (model: string): ChatItem => ({
    id: newId(),
    role: 'assistant',
    content: '',
    status: 'streaming',
    created_at: Date.now(),
    stats: { model },
  });

  const send = (text: string): boolean => {
    const state = store.getState();
    const content = text.trim();
    const model = state.settings.model;
    if (!content || !model) return false;
    if (state.activeId && isBusy(state.activeId)) return false;
    const conversationId = state.activeId ?? state.newConversation();
    const user: ChatItem = {
      id: newId(),
      role: 'user',
      content,
      status: 'done',
      created_at: Date.now(),
    };
    const reply = newReply(model);
    store.getState().appendExchange(conversationId, user, reply);
    void run(conversationId, reply.id);
    return true;
  };

  const regenerate = (): boolean => {
    const state = store.getState();
    const conversation = selectActive(state);
    const model = state.settings.model;
    if (!conversation || !model || isBusy(conversation.id)) return false;
    if (!conversation.messages.some((m) => m.role === 'user')) return false;
    const reply = newReply(model);
    state.replaceLastReply(conversation.id, reply);
    void run(conversation.id, reply.id);
    return true;
  };

  const stop = (conversationId = store.getState().activeId ?? undefined): void => {
    for (const [replyId, r] of running) {
      if (r.conversationId !== conversationId) continue;
      running.delete(replyId);
      r.controller.abort();
      // The partial reply stays, at once: the user should not wait for the daemon's answer.
      r.batcher.flush();
      store.getState().finishReply(r.conversationId, replyId, {
        status: 'stopped',
        stats: { stop_reason: 'cancelled' },
      });
    }
  };

  async function run(conversationId: string, replyId: string): Promise<void> {
    const state = store.getState();
    const conversation = state.conversations[conversationId];
    if (!conversation) return;
    const { settings } = state;
    const request: TaskRequest = {
      model: settings.model,
      messages: requestMessages(conversation, replyId, settings.systemPrompt),
      max_tokens: settings.maxTokens,
      temperature: settings.temperature,
    };
    const controller = new AbortController();
    const batcher = new FrameBatcher(
      (text, stats) => store.getState().applyDelta(conversationId, replyId, text, stats),
      deps.schedule ?? frameScheduler,
    );
    running.set(replyId, { conversationId, controller, batcher });
    const finish = (outcome: Parameters<ChatState['finishReply']>[2]) => {
      batcher.flush();
      store.getState().finishReply(conversationId, replyId, outcome);
    };

    const sentAt = now();
    const seen: { firstToken?: number; rate?: number } = {};
    let failure: ErrorBody | undefined;
    let ended = false;
    try {
      const events = deps.client().enqueueStream(request, { signal: controller.signal });
      for await (const event of events) {
        if (!running.has(replyId)) break; // stopped: stop() already finished the reply
        ended = handle(event);
        if (ended) break;
      }
      if (!ended && running.has(replyId)) {
        failure = { code: 'INTERNAL', message: 'The stream ended before the reply was complete.' };
        finish({ status: 'error', error: failure });
      }
    } catch (err) {
      if (!controller.signal.aborted) {
        failure = toUiError(err);
        finish({ status: 'error', error: failure });
      }
    } finally {
      running.delete(replyId);
      batcher.dispose();
      deps.onSettled?.(failure);
    }

    /** Applies one event; true when it ended the reply. */
    function handle(event: InferenceEvent): boolean {
      switch (event.type) {
        case 'queued':
          batcher.patch({ queue_position: event.data.queue_position });
          return false;
        case 'started': {
          const started: ReplyStats = {
            model: event.data.model,
            started_at: event.data.started_at,
            queue_position: undefined,
          };
          if (event.data.host) started.host = event.data.host;
          if (event.data.worker_id) started.worker = event.data.worker_id;
          batcher.patch(started);
          return false;
        }
        case 'token':
          if (seen.firstToken === undefined) {
            seen.firstToken = now();
            batcher.patch({ ttft_ms: seen.firstToken - sentAt });
          }
          batcher.push(event.data.t);
          return false;
        case 'tool_call':
        case 'embedding':
          // The chat pane offers no tools and embeds nothing: neither comes.
          return false;
        case 'metrics': {
          const m = event.data;
          seen.rate = m.tokens_per_sec;
          const stats: ReplyStats = {
            tokens_per_sec: m.tokens_per_sec,
            tokens_out: m.tokens_out,
            prompt_tokens: m.prompt_tokens,
            decode_time_ms: m.decode_time_ms,
          };
          // The worker's own TTFT excludes our network and queue time; prefer it when it has one.
          if (m.time_to_first_token_ms !== null) stats.ttft_ms = m.time_to_first_token_ms;
          batcher.patch(stats);
          return false;
        }
        case 'end': {
          const e = event.data;
          const rate =
            seen.rate ??
            (e.decode_time_ms > 0 ? e.tokens_out / (e.decode_time_ms / 1000) : undefined);
          finish({
            status: e.stop_reason === 'cancelled' ? 'stopped' : 'done',
            stats: {
              tokens_out: e.tokens_out,
              decode_time_ms: e.decode_time_ms,
              prompt_tokens: e.prompt_tokens,
              stop_reason: e.stop_reason,
              ...(rate !== undefined ? { tokens_per_sec: rate } : {}),
            },
          });
          return true;
        }
        case 'error':
          failure = event.data;
          finish({ status: 'error', error: event.data });
          return true;
      }
    }
  }

  return { send, regenerate, stop };
}
