import { RbeesError, toErrorBody } from '../../shared/errors';

interface Step {
  /** What it closes, as a person would name it: "the store", "the SSH sessions". */
  name: string;
  close: () => unknown;
}

/**
 * What a composition root opened, closed last-opened first. Each service is added the moment it
 * exists, so a start that fails half-way closes exactly what it had opened; every step runs even
 * when an earlier one throws, and the failures are reported together, each named.
 */
export class Closers {
  private readonly steps: Step[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly onFailure: (name: string, err: unknown) => void = () => {}) {}

  /** Registers the close of what was just opened: it runs before everything added earlier. */
  add(name: string, close: () => unknown): void {
    if (this.closing) throw new Error(`${name} was opened after closing began`);
    this.steps.push({ name, close });
  }

  /**
   * Runs every step once, in reverse order (a second call waits for the first); rejects with
   * INTERNAL naming each step that failed, after all of them ran.
   */
  closeAll(): Promise<void> {
    this.closing ??= this.run();
    return this.closing;
  }

  private async run(): Promise<void> {
    const failed: { name: string; message: string }[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.close();
      } catch (err) {
        failed.push({ name: step.name, message: toErrorBody(err).message });
        this.onFailure(step.name, err);
      }
    }
    if (failed.length === 0) return;
    throw new RbeesError(
      'INTERNAL',
      `closing failed for ${failed.map((f) => `${f.name} (${f.message})`).join(', ')}; ` +
        'the rest was closed',
      { failed },
    );
  }
}
