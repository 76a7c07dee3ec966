// Lab scripts: one command per line, `#` starts a comment. The same language runs in the page's
// console and under `npx pathlab run`:
//   esxcli ...                 the esxcli interpreter
//   fio ...                    a workload, run to completion in virtual time
//   fio ... &                  a workload started in the background: later lines run beside it
//   jobs                       the background jobs, numbered: [N]  Running|Stopping|Done  fio ... &  (world, ios)
//   kill %N | kill NAME        stop a background job (by number, or by its fio --name): it starts no more
//                              commands; those in flight complete as time advances. It stays in `jobs`
//   wait                       let virtual time run until the background jobs finish; their summaries
//                              (killed ones too), and the jobs are collected: numbering starts again at 1
//   fault ... / repair ...     fault injection (see sim/faults.ts)
//   sleep DURATION             let virtual time pass (10s, 500ms, ...)
//   esxtop adapter|device|path|vm|vaai   one snapshot of that esxtop screen
//   vmkfstools -L lunreset /vmfs/devices/disks/ID   a LUN reset (task management)
//   plugin load FILE | list | unload NAME   the learner's own PSP, SATP or MPP (plugins/)
//   vvol vm|policy|list|bind|unbind|delete|compliance|sg ...   virtual volumes (cli/vvol.ts)
//   on HOST LINE               runs LINE on another host of the scenario (`on esxi02 esxcli ...`),
//                              in that host's own console session (its jobs, its esxcli)
//   fault host HOST / repair host HOST   a peer host crashes (power lost) / boots again (and mounts
//                              the VMFS volumes it finds)
// A script stops at its first failing line, naming it.

import type { Host } from '../host';
import { FaultInjector } from '../sim/faults';
import { refreshFioTarget } from '../vmfs/file-io';
import { mountVolumes } from '../vmfs/vmfs';
import { parseDuration } from '../sim/duration';
import { esxcli, splitCommandLine } from './esxcli/index';
import { esxtop, ESXTOP_SCREENS } from './esxtop';
import { pluginCommand, type PluginFileReader } from './plugin-command';
import { vmkfstools } from './vmkfstools';
import { parseFioArgs, runFio, runUntilFinished, startFio, type FioHandle } from './fio';
import { JobTable } from './jobs';
import { vvolCommand } from './vvol';
import { labSg } from './lab-sg';

export const SCRIPT_COMMANDS = ['esxcli', 'fio', 'fault', 'repair', 'sleep', 'esxtop', 'jobs', 'kill', 'wait', 'vmkfstools', 'plugin', 'vvol', 'sg', 'on'] as const;

const ON_USAGE = 'on HOST COMMAND...: runs a command on another host of the scenario, e.g. on esxi02 esxcli storage core device list';

export interface CommandResult {
  output: string;
  ok: boolean;
}

/** A host and what the console keeps beside it. */
export class LabSession {
  readonly faults: FaultInjector;
  /** The background jobs (`fio ... &`), for `jobs`, `kill` and `wait`. */
  readonly jobTable = new JobTable();

  /** Background jobs not yet collected by `wait`: job N (as `jobs` and `kill %N` number it) is jobs[N - 1]. */
  get jobs(): readonly FioHandle[] {
    return this.jobTable.handles;
  }

  /** The console sessions of the peer hosts, made on first use (`on esxi02 ...`). */
  private readonly peerSessions = new Map<Host, LabSession>();

  constructor(
    readonly host: Host,
    /** Where `plugin load FILE` reads FILE: the lab's plugin files, or the disk beside a script. */
    private readonly readPluginFile?: PluginFileReader,
  ) {
    this.faults = new FaultInjector(host);
  }

  /** The console session of a peer host (its own jobs and faults); made on first use. */
  peerSession(peer: Host): LabSession {
    let session = this.peerSessions.get(peer);
    if (!session) this.peerSessions.set(peer, (session = new LabSession(peer, this.readPluginFile)));
    return session;
  }

  /** Lines run one at a time, in the order they were asked for, even when callers do not wait. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs `work` in the session's turn: after every line asked for before it, before any after. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Runs one line of the lab-script language. Never throws for bad input. */
  run(line: string): Promise<CommandResult> {
    return this.exclusive(() => this.runNow(line));
  }

  private async runNow(line: string): Promise<CommandResult> {
    // `on HOST LINE` hands the rest of the line, quotes and all, to that host's session.
    const on = /^\s*on(?:\s+(\S+))?(?:\s+(.*))?$/s.exec(stripComment(line));
    if (on) return this.runOn(on[1], on[2]);
    let words: string[];
    try {
      words = splitCommandLine(stripComment(line));
    } catch (e) {
      return { output: (e as Error).message, ok: false };
    }
    if (words.length === 0) return { output: '', ok: true };
    const [command, ...args] = words;
    try {
      const result = await this.dispatch(command, args);
      await this.host.finishSettling();
      return result;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // Messages that already name their command (fio's do) are not prefixed twice.
      return { output: message.startsWith(`${command}:`) ? message : `${command}: ${message}`, ok: false };
    }
  }

  private async dispatch(command: string, args: string[]): Promise<CommandResult> {
    switch (command) {
      case 'esxcli':
        // A host whose VMFS driver has not run yet mounts its volumes first, as it would have at boot.
        if (args[0] === 'storage' && args[1] === 'filesystem') await mountVolumes(this.host);
        return esxcli(this.host, args);
      case 'vmkfstools':
        return await vmkfstools(this.host, args);
      case 'fio': {
        // A disk the other host has just made is on disk before this host's view of the volume has it.
        await refreshFioTarget(this.host, args);
        if (args[args.length - 1] === '&') {
          const handle = startFio(this.host, parseFioArgs(args.slice(0, -1), this.host));
          const number = this.jobTable.add(handle, args.slice(0, -1));
          return { output: `[${number}] fio job ${handle.spec.name} started on ${handle.spec.world}`, ok: true };
        }
        return { output: await runFio(this.host, parseFioArgs(args, this.host)), ok: true };
      }
      case 'wait': {
        if (args.length > 0) return { output: 'wait takes no arguments', ok: false };
        const jobs = this.jobTable.collect();
        await runUntilFinished(this.host, jobs);
        return { output: (await Promise.all(jobs.map((j) => j.finished))).join('\n'), ok: true };
      }
      case 'jobs':
        return this.jobTable.jobs(args);
      case 'kill':
        return this.jobTable.kill(args);
      case 'fault':
      case 'repair': {
        if (args[0] === 'host') return await this.hostFault(args.slice(1), command === 'repair');
        const message = this.faults.apply(args, command === 'repair');
        this.host.settle();
        return { output: message, ok: true };
      }
      case 'sleep': {
        if (args.length !== 1) return { output: 'sleep needs one duration, e.g. sleep 10s', ok: false };
        await this.host.advance(parseDuration(args[0]));
        return { output: '', ok: true };
      }
      case 'esxtop': {
        const screen = ESXTOP_SCREENS.find((s) => s === args[0]);
        if (args.length !== 1 || !screen) return { output: `esxtop needs one screen: ${ESXTOP_SCREENS.join(', ')}`, ok: false };
        return { output: esxtop(this.host, screen), ok: true };
      }
      case 'plugin':
        return pluginCommand(this.host, args, this.readPluginFile);
      case 'vvol':
        return vvolCommand(this.host, args);
      case 'sg':
        return labSg(this.host, args);
      default:
        return { output: `unknown command '${command}': use ${SCRIPT_COMMANDS.join(', ')}`, ok: false };
    }
  }

  private async runOn(name: string | undefined, line: string | undefined): Promise<CommandResult> {
    if (name === undefined || line === undefined || line.trim() === '') return { output: ON_USAGE, ok: false };
    const target = this.host.peer(name);
    if (!target) return { output: `on: no host ${name}; hosts: ${this.hostNames()}`, ok: false };
    if (target === this.host) return this.runNow(line);
    if (this.host.isPeer) return { output: `on: this line already runs on ${this.host.name}; run lines for ${target.name} from the learner's console`, ok: false };
    if (!target.up) return { output: `on: ${target.name} is down (fault host): repair host ${name} boots it`, ok: false };
    const result = await this.peerSession(target).run(line);
    await this.host.finishSettling();
    return result;
  }

  /** `fault host NAME` crashes a peer (its jobs stop with it); `repair host NAME` boots it again. */
  private async hostFault(args: string[], repair: boolean): Promise<CommandResult> {
    const verb = repair ? 'repair' : 'fault';
    if (this.host.isPeer) return { output: `${verb} host: hosts crash and boot from the learner's console, not from ${this.host.name}`, ok: false };
    if (args.length !== 1) return { output: `${verb} host needs a host name: ${verb} host esxi02`, ok: false };
    const peer = this.host.peer(args[0]);
    if (!peer) return { output: `${verb} host: no host ${args[0]}; hosts: ${this.hostNames()}`, ok: false };
    if (peer === this.host) return { output: `${verb} host: ${peer.name} is the host this console runs on; crash a peer: ${this.peerNames()}`, ok: false };
    if (repair) {
      if (peer.up) return { output: `${peer.name} is up`, ok: true };
      this.peerSessions.delete(peer);
      const fresh = this.host.rebootPeer(peer);
      await mountVolumes(fresh);
      this.host.log(`fault: ${fresh.name} booted`);
      return { output: `${fresh.name} booted`, ok: true };
    }
    if (!peer.up) return { output: `${peer.name} is already down`, ok: true };
    // Power goes first: a job stopped after it closes its file from a host that sends nothing more.
    this.host.crashPeer(peer);
    for (const job of this.peerSessions.get(peer)?.jobs ?? []) job.stop();
    this.host.log(`fault: ${peer.name} crashed`);
    this.host.settle();
    return { output: `${peer.name} crashed (power lost)`, ok: true };
  }

  private hostNames(): string {
    return this.host.hosts().map((h) => h.name.split('.')[0]).join(', ');
  }

  private peerNames(): string {
    return this.host.peers.map((h) => h.name.split('.')[0]).join(', ') || 'this scenario has none';
  }

  /**
   * Runs a whole script, writing each command's echo (`$ command`) and output. Stops at the first
   * failing line; returns its number (1-based) or 0 when every line succeeded.
   */
  runScript(text: string, write: (chunk: string) => void): Promise<number> {
    // A whole script is one turn of the queue: no line from elsewhere runs between its lines.
    return this.exclusive(() => this.runScriptNow(text, write));
  }

  private async runScriptNow(text: string, write: (chunk: string) => void): Promise<number> {
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const command = stripComment(line).trim();
      if (command === '') continue;
      write(`$ ${command}\n`);
      const result = await this.runNow(command);
      if (result.output !== '') write(result.output.endsWith('\n') ? result.output : result.output + '\n');
      if (!result.ok) {
        write(`line ${i + 1}: stopped: the command failed\n`);
        return i + 1;
      }
    }
    return 0;
  }
}

/** Drops a `#` comment that is not inside quotes. */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}
