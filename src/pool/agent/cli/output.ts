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

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'n/a';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}
