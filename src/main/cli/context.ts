import type { ConnectionArgs } from './connection-args';
import type { InferArgs } from './infer-run';
import type { Platform } from '../install/platform';

/**
 * What `llorch` commands run with: the process's abort signal (Ctrl-C) and environment, and the
 * code that does the work once a command line is checked (loaded when it runs; tests replace it).
 */
export interface CtlContext {
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** Runs `rbees-pool <argv>` on the host; default: over SSH (pool-run.ts). */
  runPool?: (connection: ConnectionArgs, argv: string[], signal: AbortSignal) => Promise<number>;
  runInfer?: (args: InferArgs, signal: AbortSignal) => Promise<number>;
  runInstall?: (
    connection: ConnectionArgs,
    flags: { platform?: Platform; force: boolean },
    signal: AbortSignal,
  ) => Promise<number>;
}
