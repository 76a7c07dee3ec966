// What a fuzz run counts: cases, exceptions (a throw out of the code under test) and invalid answers
// (an answer the checker refuses), with the first few failing inputs kept whole so they can be replayed.

export interface Failure {
  kind: string;
  /** The input, replayable: CDB and data-out in hex, or the line/file text. */
  input: string;
  problem: string;
}

export class Tally {
  cases = 0;
  exceptions = 0;
  invalid = 0;
  readonly failures: Failure[] = [];
  /** How often each kind of answer came back ("2a GOOD", "28 5/21/00", ...): what the run reached. */
  readonly outcomes = new Map<string, number>();

  constructor(private readonly keep = 10) {}

  exception(kind: string, input: string, error: unknown): void {
    this.exceptions++;
    const problem = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
    if (this.failures.length < this.keep) this.failures.push({ kind, input, problem: `exception: ${problem}` });
  }

  bad(kind: string, input: string, problem: string): void {
    this.invalid++;
    if (this.failures.length < this.keep) this.failures.push({ kind, input, problem });
  }

  saw(outcome: string): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  add(other: Tally): void {
    for (const [k, n] of other.outcomes) this.outcomes.set(k, (this.outcomes.get(k) ?? 0) + n);
    this.cases += other.cases;
    this.exceptions += other.exceptions;
    this.invalid += other.invalid;
    for (const f of other.failures) if (this.failures.length < this.keep) this.failures.push(f);
  }

  get summary(): string {
    return `fuzz: ${this.cases} cases, ${this.exceptions} exceptions, ${this.invalid} invalid answers`;
  }
}

/** JS error text that must never reach a learner as the message for bad input. */
const JS_ERROR = /TypeError|ReferenceError|RangeError|SyntaxError(?!: the)|undefined|NaN|Cannot read propert|is not a function|is not iterable|\[object Object\]|^\s+at .+:\d+:\d+\)?$/m;

/**
 * What is wrong with a message shown for bad input: JS error text, a stack trace, or no text at all.
 * Words of `input` are taken out first: echoing a learner's "undefined" back is no JS error.
 */
export function unclearMessage(message: string, input = ''): string | undefined {
  if (message.trim() === '') return 'an empty message';
  let text = message;
  const words = input.split(/[\s=,:"'\\]+/).filter((w) => w !== '').sort((a, b) => b.length - a.length);
  for (const word of words) text = text.split(word).join('\u00b7'); // longest first: "goldNaN" before "gold"
  const m = JS_ERROR.exec(text);
  return m ? `JS error text "${m[0].trim()}" in: ${message.slice(0, 300)}` : undefined;
}
