// Goals on what happened: the host's log (all paths down, permanent device loss) and the commands
// the learner ran.

import type { Host } from '../host';
import type { GoalContext } from './context';
import { met, s, unmet, type GoalKind } from './goal-types';

/** Log lines written since the lesson began (each starts with its virtual time in seconds). */
function logSince(host: Host, ctx: GoalContext): string[] {
  const from = ctx.startedAt / 1e6;
  return host.logLines.filter((l) => parseFloat(l) >= from);
}

export const apdSeenGoal: GoalKind = {
  kind: 'apd-seen',
  params: { device: { type: 'string', required: true }, recovered: { type: 'boolean' } },
  describe: (g) =>
    g.recovered
      ? `${s(g, 'device')} enters All Paths Down and comes back before the APD timeout`
      : `${s(g, 'device')} enters All Paths Down`,
  check(g, host, ctx) {
    const id = s(g, 'device');
    const lines = logSince(host, ctx).filter((l) => l.includes(id));
    const entered = lines.findIndex((l) => l.includes('has entered the All Paths Down state'));
    if (entered < 0) return unmet(`${id} has not been in All Paths Down: take every path away while it has I/O to do`);
    if (!g.recovered) return met(`${id} entered All Paths Down`);
    const timeout = host.scenario.settings.apdTimeoutSec;
    for (const l of lines.slice(entered)) {
      const m = /has exited the All Paths Down state after ([\d.]+) s/.exec(l);
      if (m && Number(m[1]) < timeout) return met(`${id} left All Paths Down after ${m[1]} s, inside the ${timeout} s APD timeout`);
      if (m) return unmet(`${id} came back after ${m[1]} s, past the ${timeout} s APD timeout: its commands were failed. Try again, repairing sooner`);
    }
    return unmet(`${id} is in All Paths Down: give it a path back before the ${timeout} s timeout`);
  },
};

export const pdlSeenGoal: GoalKind = {
  kind: 'pdl-seen',
  params: { device: { type: 'string', required: true } },
  describe: (g) => `${s(g, 'device')} is declared permanently lost (PDL)`,
  check(g, host, ctx) {
    const id = s(g, 'device');
    if (logSince(host, ctx).some((l) => l.includes(id) && l.includes('permanently lost'))) return met(`NMP declared ${id} permanently lost`);
    return unmet(`${id} has not been declared permanently lost: the LUN must answer 05/25/00 on every path, which NMP only sees when I/O reaches it`);
  },
};

export const ranGoal: GoalKind = {
  kind: 'ran',
  params: { command: { type: 'regex', required: true } },
  describe: (g) => `you run a command matching /${s(g, 'command')}/`,
  check(g, _host, ctx) {
    const re = new RegExp(s(g, 'command'));
    const hit = ctx.commands.find((c) => c.ok && re.test(c.line));
    if (hit) return met(`you ran ${hit.line}`);
    return unmet(`run a command matching /${s(g, 'command')}/`);
  },
};
