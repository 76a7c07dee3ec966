// A lesson that cannot be used: bad frontmatter, a bad goal, a missing file. The message names the
// lesson and the field, as scenario errors do ("01-life-of-an-io: goals[2].device: required").

export class LessonError extends Error {
  constructor(
    readonly lesson: string,
    /** The bad field ("title", "goals[1].psp"), or undefined for the file as a whole. */
    readonly field: string | undefined,
    problem: string,
  ) {
    super(`${lesson}: ${field === undefined ? '' : `${field}: `}${problem}`);
    this.name = 'LessonError';
  }
}
