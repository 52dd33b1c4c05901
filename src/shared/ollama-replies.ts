import { z } from 'zod';

/** What Ollama's routes answer, in its shapes (only the fields rbees sends). */

/** The Ollama API level these routes follow (apps check it before using newer fields). */
export const OLLAMA_API_VERSION = '0.12.0';

export const OllamaErrorSchema = z.object({
  error: z.string(),
  code: z.string().meta({ description: "rbees' error code." }),
});

export const OllamaVersionSchema = z.object({ version: z.string() });

const Details = z.object({
  format: z.literal('gguf'),
  family: z.string(),
  families: z.array(z.string()).nullable(),
  parameter_size: z.string(),
  quantization_level: z.string(),
});

const ModelEntry = z.object({
  name: z.string(),
  model: z.string(),
  modified_at: z.string(),
  size: z.int(),
  digest: z.string(),
  details: Details,
});

/** `GET /api/tags`: every model a request may name. */
export const OllamaTagsSchema = z.object({ models: z.array(ModelEntry) });

/** `GET /api/ps`: the models a worker serves now. */
export const OllamaPsSchema = z.object({
  models: z.array(
    ModelEntry.omit({ modified_at: true }).extend({
      expires_at: z.string(),
      size_vram: z.int(),
      context_length: z.int(),
    }),
  ),
});

/** `POST /api/show`. */
export const OllamaShowSchema = z.object({
  modelfile: z.string(),
  parameters: z.string(),
  template: z.string(),
  details: Details,
  model_info: z.record(z.string(), z.unknown()),
  capabilities: z.array(z.string()),
});

/** `POST /api/embed`. */
export const OllamaEmbedSchema = z.object({
  model: z.string(),
  embeddings: z.array(z.array(z.number())),
  total_duration: z.int(),
  load_duration: z.int(),
  prompt_eval_count: z.int(),
});

/** `POST /api/chat` and `/api/generate` without streaming: the final line's object. */
export const OllamaAnswerSchema = z.looseObject({
  model: z.string(),
  created_at: z.string(),
  done: z.literal(true),
  done_reason: z.enum(['stop', 'length', 'load']),
});
