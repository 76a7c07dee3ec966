// The page's lab: the sandbox survives a reload, lessons run on fresh hosts with their goals
// checked after every line and progress kept, reset and import replace the sandbox.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadLessons } from '../../src/stack/lessons/loader';
import type { Lesson } from '../../src/stack/lessons/lesson';
import { scriptLines } from '../../src/stack/lessons/engine';
import { Lab } from '../../src/stack/workbench/lab';

const ALUA0 = 'naa.600140500a1a00010000000000000000';
let lessons: Lesson[];

beforeEach(async () => {
  // Every test starts with an empty browser profile.
  globalThis.indexedDB = new IDBFactory();
  lessons ??= await loadLessons();
});

const open = () => Lab.open({ lessons, onFrame: () => {}, persistent: true });
/** The lab on the sandbox (a first visit opens lesson 01). */
async function sandbox(): Promise<Lab> {
  const lab = await open();
  if (lab.lesson) await lab.openSandbox();
  return lab;
}

describe('where the lab opens', () => {
  it('a first visit opens the first lesson; later visits reopen what the learner had open', async () => {
    const first = await open();
    expect(first.lessonView()?.id).toBe(lessons[0].id);
    await first.openLesson(lessons[4]);
    expect((await open()).lessonView()?.id).toBe(lessons[4].id);
    await first.openSandbox();
    const third = await open();
    expect(third.lesson).toBeUndefined();
    expect(third.host.store.kind).toBe('indexeddb'); // the sandbox's own host
  });
});

describe('the sandbox lab', () => {
  it('survives a reload with its changes and console history', async () => {
    const lab = await sandbox();
    expect((await lab.run(`esxcli storage nmp device set -d ${ALUA0} --psp VMW_PSP_RR`)).ok).toBe(true);
    expect((await lab.run('fault link vmhba2')).ok).toBe(true);
    const reloaded = await open();
    expect(reloaded.host.nmp.device(ALUA0)!.psp.name).toBe('VMW_PSP_RR');
    expect(reloaded.host.adapter('vmhba2')!.linkUp).toBe(false);
    expect(reloaded.consoleHistory).toEqual([`esxcli storage nmp device set -d ${ALUA0} --psp VMW_PSP_RR`, 'fault link vmhba2']);
  });

  it('reset goes back to the scenario as shipped, keeping lesson progress', async () => {
    const lab = await sandbox();
    await lab.run(`esxcli storage nmp device set -d ${ALUA0} --psp VMW_PSP_RR`);
    await lab.reset();
    expect(lab.host.nmp.device(ALUA0)!.psp.name).toBe('VMW_PSP_MRU');
    expect(lab.consoleHistory).toEqual([]);
    const reloaded = await open();
    expect(reloaded.host.nmp.device(ALUA0)!.psp.name).toBe('VMW_PSP_MRU');
  });

  it('imports an export; a broken file changes nothing', async () => {
    const lab = await sandbox();
    await lab.run(`esxcli storage nmp device set -d ${ALUA0} --psp VMW_PSP_RR`);
    await lab.run('fio --vm web01 --rw write --bs 4k --iodepth 4 --size 1m --runtime 200ms');
    const file = await lab.exportFile();
    await lab.reset();
    await expect(lab.importFile('{"format":"pathlab-lab","version":1}')).rejects.toThrow(/not a PathLab lab/);
    expect(lab.host.nmp.device(ALUA0)!.psp.name).toBe('VMW_PSP_MRU');
    await lab.importFile(file);
    expect(lab.host.nmp.device(ALUA0)!.psp.name).toBe('VMW_PSP_RR');
    const verify = await lab.run('fio --vm web01 --rw read --bs 4k --iodepth 4 --size 1m --verify');
    expect(verify.output).toMatch(/errors: 0/);
  });
});

describe('lessons in the lab', () => {
  it('a lesson runs on a fresh host, its goals update per line, and solving it is remembered', async () => {
    const lab = await sandbox();
    await lab.run(`esxcli storage nmp device set -d ${ALUA0} --psp VMW_PSP_RR`); // the sandbox's change
    const lesson = lessons.find((l) => l.id.startsWith('03-'))!;
    await lab.openLesson(lesson);
    expect(lab.host.nmp.device(ALUA0)!.psp.name).toBe('VMW_PSP_MRU'); // not the sandbox's host
    const before = lab.lessonView()!;
    expect(before.solved).toBe(false);
    expect(before.goals.some((g) => !g.met && g.message !== '')).toBe(true);
    for (const line of scriptLines(lesson.solution)) expect((await lab.run(line)).ok, line).toBe(true);
    const after = lab.lessonView()!;
    expect(after.solved).toBe(true);
    expect(after.goals.every((g) => g.met && g.message === '')).toBe(true);
    expect(after.next).toBe(lessons[3].id);
    expect(lab.lessonSummaries().find((l) => l.id === lesson.id)!.progress).toBe('solved');
    await lab.openSandbox();
    expect(lab.host.nmp.device(ALUA0)!.psp.name).toBe('VMW_PSP_RR'); // back to the sandbox as it was
    expect((await open()).lessonSummaries().find((l) => l.id === lesson.id)!.progress).toBe('solved');
  });

  it('showing the solution marks the lesson solved with help', async () => {
    const lab = await sandbox();
    await lab.openLesson(lessons[0]);
    await lab.showSolution();
    expect(lab.lessonView()).toMatchObject({ solved: true, solvedWithHelp: true });
    expect(lab.lessonSummaries()[0].progress).toBe('solved-with-help');
  });
});
