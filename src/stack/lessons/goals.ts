// Declarative lesson goals: the kinds a lesson's frontmatter may use, their validation (messages
// name the bad field) and their checks. Each kind lives with its family: goals-policy.ts (SATP,
// PSP, Round Robin, Fixed, working paths), goals-paths.ts (paths, claim rules, devices, LUN owner),
// goals-io.ts (statistics, balance, shares, queues, verify), goals-events.ts (APD, PDL, commands run),
// goals-plugins.ts (the learner's plugins: loaded, owning a device, a path's share of the commands,
// an ALUA group's state and who set it), goals-vvol.ts (vVol VMs, bindings, compliance, storage
// policies, a vVol disk's rate against its IOPS limit), goals-vmfs.ts (clones and their data mover,
// advanced settings, VAAI counters, on-disk locks, peer hosts, fio on a file, vVol snapshots).

import type { Host } from '../host';
import type { GoalContext } from './context';
import { LessonError } from './errors';
import type { GoalChecker, GoalKind, GoalResult, GoalSpec } from './goal-types';
import { apdSeenGoal, pdlSeenGoal, ranGoal } from './goals-events';
import { deviceQueueGoal, ioBalanceGoal, noLostWritesGoal, sharesGoal, statGoal } from './goals-io';
import { aluaGroupGoal, deviceOwnerGoal, pathShareGoal, pluginGoal } from './goals-plugins';
import { vvolBoundGoal, vvolComplianceGoal, vvolIopsGoal, vvolPolicyGoal, vvolVmGoal } from './goals-vvol';
import { VMFS_GOALS } from './goals-vmfs';
import { claimRuleGoal, devicePathsGoal, deviceStatusGoal, lunOwnerGoal, pathHiddenGoal, pathStateGoal } from './goals-paths';
import { pspGoal, preferredPathGoal, rrConfigGoal, satpDefaultPspGoal, satpGoal, workingPathGoal } from './goals-policy';

export type { GoalChecker, GoalKind, GoalResult, GoalSpec } from './goal-types';

export const GOAL_KINDS: ReadonlyMap<string, GoalKind> = new Map(
  [
    pspGoal, satpGoal, satpDefaultPspGoal, rrConfigGoal, preferredPathGoal, workingPathGoal,
    pathStateGoal, pathHiddenGoal, claimRuleGoal, devicePathsGoal, deviceStatusGoal, lunOwnerGoal,
    statGoal, ioBalanceGoal, sharesGoal, deviceQueueGoal, noLostWritesGoal,
    apdSeenGoal, pdlSeenGoal, ranGoal,
    pluginGoal, deviceOwnerGoal, pathShareGoal, aluaGroupGoal,
    vvolVmGoal, vvolBoundGoal, vvolComplianceGoal, vvolPolicyGoal, vvolIopsGoal,
    ...VMFS_GOALS,
  ].map((k) => [k.kind, k]),
);

function typeOk(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string' && value !== '';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'strings':
      return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '');
    case 'regex':
      if (typeof value !== 'string' || value === '') return false;
      try {
        new RegExp(value);
        return true;
      } catch {
        return false;
      }
  }
  return false;
}

const TYPE_TEXT: Record<string, string> = {
  string: 'a non-empty string',
  number: 'a number',
  boolean: 'true or false',
  strings: 'a non-empty list of strings',
  regex: 'a regular expression',
};

/** Checks one goal from the frontmatter; `field` is where it sits ("goals[2]"). */
export function validateGoal(value: unknown, lesson: string, field: string): GoalSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LessonError(lesson, field, 'must be an object with a kind, e.g. { kind: psp, device: naa..., psp: VMW_PSP_RR }');
  }
  const goal = value as Record<string, unknown>;
  const kinds = [...GOAL_KINDS.keys()].join(', ');
  if (typeof goal.kind !== 'string') throw new LessonError(lesson, `${field}.kind`, `required: one of ${kinds}`);
  const kind = GOAL_KINDS.get(goal.kind);
  if (!kind) throw new LessonError(lesson, `${field}.kind`, `unknown goal kind "${goal.kind}": one of ${kinds}`);
  for (const key of Object.keys(goal)) {
    if (key === 'kind') continue;
    if (key === 'description') {
      if (typeof goal.description !== 'string' || goal.description.trim() === '') throw new LessonError(lesson, `${field}.description`, 'must be a non-empty string');
      continue;
    }
    const spec = kind.params[key];
    if (!spec) {
      const known = Object.keys(kind.params).join(', ') || 'none';
      throw new LessonError(lesson, `${field}.${key}`, `not a parameter of ${kind.kind} (parameters: ${known}, description)`);
    }
    if (!typeOk(spec.type, goal[key])) throw new LessonError(lesson, `${field}.${key}`, `must be ${TYPE_TEXT[spec.type]}, got ${JSON.stringify(goal[key])}`);
    if (spec.values && !spec.values.includes(goal[key] as string)) {
      throw new LessonError(lesson, `${field}.${key}`, `must be one of ${spec.values.join(', ')}, got ${JSON.stringify(goal[key])}`);
    }
  }
  for (const [key, spec] of Object.entries(kind.params)) {
    if (spec.required && goal[key] === undefined) throw new LessonError(lesson, `${field}.${key}`, `required for a ${kind.kind} goal`);
  }
  if (kind.oneOf) {
    const given = kind.oneOf.filter((k) => goal[k] !== undefined);
    if (given.length !== 1) throw new LessonError(lesson, field, `a ${kind.kind} goal needs exactly one of ${kind.oneOf.join(', ')}`);
  }
  return goal as GoalSpec;
}

function kindOf(goal: GoalSpec): GoalKind {
  const kind = GOAL_KINDS.get(goal.kind);
  if (!kind) throw new Error(`unknown goal kind ${goal.kind}`);
  return kind;
}

/** The goal as a sentence: its own description, else one made from its parameters. */
export function describeGoal(goal: GoalSpec): string {
  return goal.description ?? kindOf(goal).describe(goal);
}

/** The goal's preparation before each check (nothing for most kinds); never rejects: a check says what failed. */
export function goalPreparer(goal: GoalSpec): (host: Host, context: GoalContext) => Promise<void> {
  const kind = kindOf(goal);
  return async (host, context) => {
    try {
      await kind.prepare?.(goal, host, context);
    } catch {
      // The check reads what was prepared and says what is missing.
    }
  };
}

/** The goal's checker: reads the host and the lesson's context, never throws. */
export function goalChecker(goal: GoalSpec): GoalChecker {
  const kind = kindOf(goal);
  return (host: Host, context: GoalContext): GoalResult => {
    try {
      return kind.check(goal, host, context);
    } catch (e) {
      return { met: false, message: `this goal could not be checked: ${(e as Error).message}` };
    }
  };
}
