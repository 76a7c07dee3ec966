// Job control in the lab-script language: `jobs` lists the background fio jobs, `kill %N` or
// `kill NAME` stops one (no new commands; those in flight complete as time advances), `wait`
// collects them all with their summaries. The page's Workloads tab runs these same lines.

import { describe, expect, it } from 'vitest';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { snapshot } from '../../src/stack/workbench/snapshot';

async function session() {
  const s = new LabSession(await Host.boot());
  const run = async (line: string) => {
    const r = await s.run(line);
    expect(r.ok, `${line}: ${r.output}`).toBe(true);
    return r.output;
  };
  const fails = async (line: string) => {
    const r = await s.run(line);
    expect(r.ok, `${line} should fail: ${r.output}`).toBe(false);
    return r.output;
  };
  const ios = (n: number) => s.jobTable.list()[n - 1].ios;
  return { s, run, fails, ios };
}

const WEB = 'fio --name web --vm web01 --rw randread --bs 4k --iodepth 8 --runtime 60s &';
const DB = 'fio --name db --vm db01 --disk 1 --rw randwrite --iodepth 4 --runtime 60s --verify &';

describe('jobs', () => {
  it('lists the background jobs like a shell: number, state, the command, world and I/O count', async () => {
    const { run } = await session();
    expect(await run('jobs')).toBe('no background jobs');
    expect(await run(WEB)).toBe('[1] fio job web started on web01:0');
    expect(await run(DB)).toBe('[2] fio job db started on db01:1');
    await run('sleep 1s');
    const lines = (await run('jobs')).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[1\] {2}Running {3}fio --name web --vm web01 --rw randread --bs 4k --iodepth 8 --runtime 60s & {2}\(world web01:0, [1-9]\d* ios\)$/);
    expect(lines[1]).toMatch(/^\[2\] {2}Running {3}fio --name db --vm db01 --disk 1 --rw randwrite --iodepth 4 --runtime 60s --verify & {2}\(world db01:1, [1-9]\d* ios\)$/);
  });

  it('shows a finished job as Done until wait collects it; then numbering starts again', async () => {
    const { run } = await session();
    await run('fio --name short --vm web01 --runtime 100ms &');
    await run('sleep 1s');
    expect(await run('jobs')).toMatch(/^\[1\] {2}Done {6}fio --name short --vm web01 --runtime 100ms & {2}\(world web01:0, \d+ ios\)$/);
    expect(await run('jobs')).toContain('Done'); // listing does not collect
    const summary = await run('wait');
    expect(summary).toMatch(/^short: \(g=0\)/);
    expect(await run('jobs')).toBe('no background jobs');
    expect(await run(WEB)).toBe('[1] fio job web started on web01:0');
  });

  it('takes no arguments', async () => {
    const { fails } = await session();
    expect(await fails('jobs -l')).toBe('jobs takes no arguments');
  });
});

describe('kill', () => {
  it('stops a job by number: its I/O stops growing as time advances, the others go on; wait gives its summary', async () => {
    const { s, run, ios } = await session();
    await run(WEB);
    await run(DB);
    await run('sleep 1s');
    const out = await run('kill %1');
    expect(out).toMatch(/^\[1\] fio job web on web01:0 (stopping|stopped) after \d+ ios/);
    expect(s.jobTable.list()[0].state).toBe('stopping');
    expect(await run('jobs')).toMatch(/^\[1\] {2}Stopping {2}fio --name web .*in flight\)$/m);

    await run('sleep 500ms'); // the commands in flight come back
    const afterKill = ios(1);
    expect(s.jobTable.list()[0].state).toBe('done');
    const db = ios(2);
    await run('sleep 2s');
    expect(ios(1)).toBe(afterKill);
    expect(ios(2)).toBeGreaterThan(db);
    expect(await run('jobs')).toMatch(/^\[1\] {2}Done {6}fio --name web .*\n\[2\] {2}Running {3}fio --name db /);

    // Killing it again says so, and is no failure.
    expect(await run('kill %1')).toMatch(/^\[1\] fio job web on web01:0 has already finished/);

    await run('kill db');
    const summaries = await run('wait');
    const [web, dbSummary] = summaries.split(/\n(?=db: \(g=0\))/);
    expect(web).toMatch(/^web: \(g=0\): rw=randread/);
    expect(web).not.toContain('(running)');
    // It ran about 1 s of its 60 s: killed, not run out.
    const runMs = Number(/READ: .*run=(\d+)-/.exec(web)![1]);
    expect(runMs).toBeGreaterThanOrEqual(1000);
    expect(runMs).toBeLessThan(1600);
    expect(dbSummary).toMatch(/^db: \(g=0\): rw=randwrite/);
    expect(dbSummary).toMatch(/verify: \d+ blocks checked, 0 failed/);
    expect(await run('jobs')).toBe('no background jobs');
  });

  it('stops a job by its fio --name, the running one when a killed one has the same name', async () => {
    const { s, run, fails } = await session();
    await run(WEB);
    await run('sleep 200ms');
    await run('kill web');
    await run(WEB); // restarted: [2], same name
    await run('sleep 200ms');
    expect(await run('kill web')).toMatch(/^\[2\] fio job web /);
    expect(s.jobTable.list().map((j) => j.state)).not.toContain('running');

    await run(WEB);
    await run(WEB);
    expect(await fails('kill web')).toBe('kill: web: 2 running jobs are named web (%3, %4): use kill %N (jobs: %1 web, %2 web, %3 web, %4 web)');
    expect(await run('kill %3 %4')).toMatch(/^\[3\] fio job web .*\n\[4\] fio job web /);
    expect(s.jobTable.list().map((j) => j.state)).not.toContain('running');
  });

  it('gives clear errors for a missing or bad argument, and a script stops there', async () => {
    const { s, run, fails } = await session();
    expect(await fails('kill')).toBe('kill: which job? kill %N (its number in jobs) or kill NAME (its fio --name) (there are no background jobs: start one with fio ... &)');
    expect(await fails('kill %1')).toBe('kill: %1: no such job (there are no background jobs: start one with fio ... &)');
    await run(WEB);
    expect(await fails('kill %9')).toBe('kill: %9: no such job (jobs: %1 web)');
    expect(await fails('kill %0')).toBe('kill: %0: no such job (jobs: %1 web)');
    expect(await fails('kill nosuch')).toBe('kill: nosuch: no job named nosuch (jobs: %1 web)');
    expect(await fails('kill 1')).toBe('kill: 1: not a job: job 1 is %1 (jobs: %1 web)');
    expect(await fails('kill -9 %1')).toMatch(/^kill: -9: kill takes no options/);
    // Every argument is checked before any job is stopped.
    expect(await fails('kill %1 %2')).toBe('kill: %2: no such job (jobs: %1 web)');
    expect(s.jobTable.list()[0].state).toBe('running');

    let out = '';
    const failed = await s.runScript('sleep 100ms\nkill %9\njobs', (c) => (out += c));
    expect(failed).toBe(2);
    expect(out).toContain('$ kill %9\nkill: %9: no such job');
    expect(out).not.toContain('$ jobs');
  });
});

describe('the snapshot', () => {
  it("carries the session's jobs as plain data: number, name, world, arguments, state and I/O", async () => {
    const { s, run } = await session();
    expect(snapshot(s.host).jobs).toEqual([]);
    await run(WEB);
    await run('fio --name "my job" --vm backup01 --runtime 200ms &');
    await run('sleep 1s');
    await run('kill %1');
    const snap = snapshot(s.host, s.jobTable.list());
    expect(() => structuredClone(snap)).not.toThrow();
    expect(snap.jobs.map(({ ios, ...rest }) => ({ ...rest, counted: ios > 0 }))).toEqual([
      { number: 1, name: 'web', world: 'web01:0', args: ['--name', 'web', '--vm', 'web01', '--rw', 'randread', '--bs', '4k', '--iodepth', '8', '--runtime', '60s'], state: 'stopping', counted: true },
      { number: 2, name: 'my job', world: 'backup01:0', args: ['--name', 'my job', '--vm', 'backup01', '--runtime', '200ms'], state: 'done', counted: true },
    ]);
    expect(await run('jobs')).toContain('[2]  Done      fio --name "my job" --vm backup01 --runtime 200ms &');
  });
});
