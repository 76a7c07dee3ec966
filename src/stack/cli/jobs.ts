// Job control for the lab-script language, as in a shell: the background fio jobs (`fio ... &`) of
// a session are numbered from 1 in the order they started; `jobs` lists them, `kill %N` or
// `kill NAME` (the fio --name) stops one, and `wait` collects them all (numbering starts again).
// A killed job stops starting commands; those in flight complete as virtual time advances.

import type { JobSnapshot, JobState } from '../workbench/snapshot';
import type { FioHandle } from './fio';

interface JobResult {
  output: string;
  ok: boolean;
}

/** A word as the console would read it back (quoted when it holds spaces or quotes). */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/["\\]/g, '\\$&')}"`;
}

const ios = (h: FioHandle) => h.job.read.ios + h.job.write.ios;

export class JobTable {
  /** Background jobs not yet collected by `wait`: job N is handles[N - 1]. */
  readonly handles: FioHandle[] = [];
  private readonly started = new Map<FioHandle, { args: string[]; killed: boolean }>();

  /** Records a job started with `fio ARGS &` (ARGS without the `&`); returns its number. */
  add(handle: FioHandle, args: string[]): number {
    this.handles.push(handle);
    this.started.set(handle, { args: [...args], killed: false });
    return this.handles.length;
  }

  /** Takes every job out of the table, for `wait`. */
  collect(): FioHandle[] {
    for (const h of this.handles) this.started.delete(h);
    return this.handles.splice(0);
  }

  state(h: FioHandle): JobState {
    if (h.job.isFinished) return 'done';
    return this.started.get(h)?.killed ? 'stopping' : 'running';
  }

  /** The jobs as plain data, for the page. */
  list(): JobSnapshot[] {
    return this.handles.map((h, i) => ({
      number: i + 1,
      name: h.spec.name,
      world: h.spec.world,
      args: [...(this.started.get(h)?.args ?? [])],
      state: this.state(h),
      ios: ios(h),
    }));
  }

  /** `jobs`: one line per job, `[N]  State     fio ARGS &  (world W, I ios)`. */
  jobs(args: string[]): JobResult {
    if (args.length > 0) return { output: 'jobs takes no arguments', ok: false };
    if (this.handles.length === 0) return { output: 'no background jobs', ok: true };
    const label: Record<JobState, string> = { running: 'Running', stopping: 'Stopping', done: 'Done' };
    const lines = this.handles.map((h, i) => {
      const command = ['fio', ...(this.started.get(h)?.args ?? []).map(shellWord), '&'].join(' ');
      const errors = h.job.read.errors + h.job.write.errors;
      const counts = `${ios(h)} ios${errors > 0 ? `, ${errors} errors` : ''}${this.state(h) === 'stopping' ? `, ${h.job.inFlight} in flight` : ''}`;
      return `[${i + 1}]  ${label[this.state(h)].padEnd(8)}  ${command}  (world ${h.spec.world}, ${counts})`;
    });
    return { output: lines.join('\n'), ok: true };
  }

  /** `kill %N | NAME ...`: stops the jobs named (all are checked before any is stopped). */
  kill(args: string[]): JobResult {
    if (args.length === 0) return { output: `kill: which job? kill %N (its number in jobs) or kill NAME (its fio --name)${this.known()}`, ok: false };
    const targets: number[] = [];
    for (const arg of args) {
      const found = this.resolve(arg);
      if (typeof found === 'string') return { output: `kill: ${arg}: ${found}${this.known()}`, ok: false };
      targets.push(found);
    }
    return { output: targets.map((i) => this.stop(i)).join('\n'), ok: true };
  }

  /** The index of the job an argument names, or why it names none. */
  private resolve(arg: string): number | string {
    if (/^-/.test(arg)) return 'kill takes no options (there are no signals): kill %N or kill NAME';
    if (/^\d+$/.test(arg)) return `not a job: job ${arg} is %${arg}`;
    const number = /^%(\d+)$/.exec(arg);
    if (number) {
      const n = Number(number[1]);
      return n >= 1 && n <= this.handles.length ? n - 1 : 'no such job';
    }
    const name = arg.replace(/^%/, '');
    const named = this.handles.flatMap((h, i) => (h.spec.name === name ? [i] : []));
    if (named.length === 0) return `no job named ${name}`;
    const live = named.filter((i) => this.state(this.handles[i]) === 'running');
    if (live.length > 1) return `${live.length} running jobs are named ${name} (${live.map((i) => `%${i + 1}`).join(', ')}): use kill %N`;
    return live[0] ?? named[named.length - 1];
  }

  private stop(i: number): string {
    const h = this.handles[i];
    const what = `[${i + 1}] fio job ${h.spec.name} on ${h.spec.world}`;
    const state = this.state(h);
    if (state === 'done') return `${what} has already finished (${ios(h)} ios)`;
    if (state === 'stopping') return `${what} is already stopping (${ios(h)} ios, ${h.job.inFlight} in flight)`;
    h.stop();
    this.started.get(h)!.killed = true;
    if (h.job.isFinished) return `${what} stopped after ${ios(h)} ios`;
    return `${what} stopping after ${ios(h)} ios: its ${h.job.inFlight} commands in flight complete as time advances`;
  }

  /** The jobs there are, for an error message. */
  private known(): string {
    if (this.handles.length === 0) return ' (there are no background jobs: start one with fio ... &)';
    return ` (jobs: ${this.handles.map((h, i) => `%${i + 1} ${h.spec.name}`).join(', ')})`;
  }
}
