import { formatBytes as formatKnownBytes } from '../../../shared/disk-space';
import type { AgentLine } from '../../../shared/agent-lines';

/** Where a command's results go: JSON lines with --json, readable text otherwise. */
export interface Output {
  readonly json: boolean;
  /** Prints `line` as JSON with --json, else `human` (nothing when human is undefined). */
  emit(line: AgentLine, human?: string): void;
  /** Text for people only; dropped with --json so stdout stays pure JSON lines. */
  text(human: string): void;
}

export function createOutput(
  json: boolean,
  write = (s: string) => process.stdout.write(s),
): Output {
  return {
    json,
    emit(line, human) {
      if (json) write(`${JSON.stringify(line)}\n`);
      else if (human !== undefined) write(human.endsWith('\n') ? human : `${human}\n`);
    },
    text(human) {
      if (!json) write(human.endsWith('\n') ? human : `${human}\n`);
    },
  };
}

/** Bytes for people (KiB, MiB: as the disk-space messages say them); `n/a` when unknown. */
export function formatBytes(bytes: number | null): string {
  return bytes === null ? 'n/a' : formatKnownBytes(bytes);
}
