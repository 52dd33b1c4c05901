/** Value parsers for commander options and arguments, with rbees' wording for a bad value. */
import { Option } from 'commander';
import { idProblem, type IdRule } from '../../shared/ids';
import { UsageError } from './cli-command';

/** A whole number in min..max; `flag` names it in the message. */
export function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  // Number('') is 0 and Number('1e3') is 1000: accept plain decimal digits only.
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag} "${raw}" is not a whole number`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new UsageError(`${flag} ${raw} is out of range (${min}..${max})`);
  }
  return value;
}

/** `--flag N`, a whole number in min..max, parsed when it is read. */
export function intOption(flags: string, description: string, min: number, max: number): Option {
  const option = new Option(flags, description);
  const flag = option.long ?? option.short ?? flags;
  return option.argParser((raw: string) => wholeNumber(flag, raw, min, max));
}

/** A parser that lets through only what `rule` allows; `label` (`<id>`, `--model`) names it. */
export function idValue(label: string, rule: IdRule): (raw: string) => string {
  return (raw) => {
    if (!rule.pattern.test(raw)) throw new UsageError(`${label} ${idProblem(rule, raw)}`);
    return raw;
  };
}

/** `--json` among the flags before a `--` (what follows belongs to someone else). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}
