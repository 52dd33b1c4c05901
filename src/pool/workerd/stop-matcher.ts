/**
 * Finds stop sequences in streamed text, holding back only the text that could be the start of
 * one. Why not node-llama-cpp's `customStopTriggers`: 3.21 matches them against each token
 * detokenized on its own, which drops the leading space of SentencePiece tokens ("▁fox" → "fox"),
 * so a stop sequence with a space in it (" fox", "User:\n\nAssistant") never matches on
 * Llama-2-style vocabularies. The streamed chunks are detokenized in context and keep their spaces.
 */
export class StopMatcher {
  private pending = '';
  private found: string | undefined;

  constructor(private readonly stops: readonly string[]) {}

  /** True once a stop sequence was found: generation should stop. */
  get stopped(): boolean {
    return this.found !== undefined;
  }

  /** The stop sequence found (the earliest in the text), once `stopped`. */
  get matched(): string | undefined {
    return this.found;
  }

  /** Takes the next chunk; returns the text that is safe to emit now (maybe ''). */
  push(text: string): string {
    if (this.stopped) return '';
    const buffer = this.pending + text;
    let cut = -1;
    for (const stop of this.stops) {
      const at = buffer.indexOf(stop);
      if (at !== -1 && (cut === -1 || at < cut)) {
        cut = at;
        this.found = stop;
      }
    }
    if (cut !== -1) {
      this.pending = '';
      return buffer.slice(0, cut);
    }
    const hold = this.heldLength(buffer);
    this.pending = buffer.slice(buffer.length - hold);
    return buffer.slice(0, buffer.length - hold);
  }

  /** The held-back text, when the generation ended without reaching a stop sequence. */
  flush(): string {
    const rest = this.stopped ? '' : this.pending;
    this.pending = '';
    return rest;
  }

  /** Length of the longest end of `buffer` that begins some stop sequence. */
  private heldLength(buffer: string): number {
    let hold = 0;
    for (const stop of this.stops) {
      for (let n = Math.min(stop.length - 1, buffer.length); n > hold; n--) {
        if (buffer.endsWith(stop.slice(0, n))) {
          hold = n;
          break;
        }
      }
    }
    return hold;
  }
}
