import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The Hugging Face token as huggingface_hub finds it: `HF_TOKEN`, else the file
 * `huggingface-cli login` writes (`$HF_TOKEN_PATH`, else `$HF_HOME/token`, else
 * ~/.cache/huggingface/token). The file matters for pool hosts: an SSH command gets almost none
 * of the user's environment, but a host where someone ran `huggingface-cli login` has the file.
 */
export function hfToken(env: Record<string, string | undefined>): string | undefined {
  if (env.HF_TOKEN) return env.HF_TOKEN;
  const hfHome = env.HF_HOME || join(env.HOME || homedir(), '.cache', 'huggingface');
  const path = env.HF_TOKEN_PATH || join(hfHome, 'token');
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
