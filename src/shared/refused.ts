import { z } from 'zod';

/**
 * A field an API (OpenAI's, Anthropic's, Ollama's) defines that rbees does not honour: accepted only when it asks for nothing (
 * absent, null, or its "off" value), else refused by name with why, never silently dropped.
 */
export function refused(why: string, off: (value: unknown) => boolean = () => false) {
  return z
    .unknown()
    .refine((value) => value === undefined || value === null || off(value), { message: why })
    .optional()
    .meta({ description: `Not supported: ${why}` });
}
