import { RbeesError } from '../../shared/errors';
import type { ExecuteRequest } from '../../shared/inference';
import { CancelRequestSchema, ExecuteRequestSchema } from '../../shared/schemas';
import { parseBody } from '../../shared/validation';

/**
 * `POST /execute`'s body, validated by the shared schema plus one rule it lacks:
 * repetition_penalty 0 would divide llama.cpp's logits by zero (infinite logits, garbage output).
 */
export function parseExecuteRequest(body: unknown): ExecuteRequest {
  const req = parseBody(ExecuteRequestSchema, body);
  if (req.repetition_penalty !== undefined && req.repetition_penalty <= 0) {
    throw new RbeesError(
      'BAD_REQUEST',
      'Invalid request. repetition_penalty: must be greater than 0 (1 means no penalty)',
      { fields: ['repetition_penalty'] },
    );
  }
  return req;
}

export function parseCancelRequest(body: unknown): { job_id: string } {
  return parseBody(CancelRequestSchema, body);
}
