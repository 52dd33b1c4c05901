import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorBody } from '../../../../shared/errors';
import { encodeSse } from '../../../../shared/sse';
import type { AgentLine } from '../../hosts/agent-calls';
import { sendSse } from '../sse-reply';

/**
 * Relays an agent command's JSON lines as server-sent events named by their `event`. A failure
 * after the stream has started is the last event, `error` with its ErrorBody; a client that goes
 * away aborts the signal, which stops the command on the host.
 */
export function relayAgentLines(
  request: FastifyRequest,
  reply: FastifyReply,
  open: (signal: AbortSignal) => AsyncIterable<AgentLine>,
): Promise<void> {
  return sendSse(request, reply, async function* (signal) {
    try {
      for await (const line of open(signal)) {
        yield encodeSse({ event: line.event, data: JSON.stringify(line) });
      }
    } catch (err) {
      if (signal.aborted) return;
      yield encodeSse({ event: 'error', data: JSON.stringify(toErrorBody(err, request.id)) });
    }
  });
}
