// `npx pathlab run` through the real binary: the README's example runs clean, and bad input stops
// with the line number, a message and exit code 1.

import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'pathlab-run-'));

async function pathlab(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await exec('node', ['bin/pathlab.js', ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('npx pathlab run', () => {
  it("runs the README's example: each command echoed, the cable pull loses nothing", async () => {
    const { stdout, code } = await pathlab('run', 'examples/first.lab');
    expect(code).toBe(0);
    expect(stdout).toContain('$ esxcli storage core adapter rescan --all\n');
    expect(stdout).toContain('$ fault link vmhba1\nvmhba1 link down\n');
    expect(stdout).toMatch(/Path Selection Policy: VMW_PSP_RR/);
    expect(stdout).toMatch(/verify: \d+ blocks checked, 0 failed/);
    expect(stdout).toMatch(/errors: 0/);
    expect(stdout).toMatch(/^DEVICE\s+PATH\/WORLD\/PARTITION/m);
  });

  it('the same script and seed print the same bytes; another seed changes the numbers', async () => {
    const script = file('seed.lab', 'fio --vm db01 --rw randread --bs 4k --iodepth 4 --runtime 1s\n');
    const a = await pathlab('run', script, '--seed', '5');
    const b = await pathlab('run', script, '--seed', '5');
    const c = await pathlab('run', script, '--seed', '6');
    expect(a.stdout).toBe(b.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('stops at a bad line with its number and exit code 1', async () => {
    const script = file('bad.lab', '# fine\nesxcli storage core adapter list\nesxcli storage core nope\nesxcli storage core path list\n');
    const { stdout, stderr, code } = await pathlab('run', script);
    expect(code).toBe(1);
    expect(stdout).toMatch(/Error: Unknown command or namespace storage core nope/);
    expect(stdout).not.toContain('$ esxcli storage core path list');
    expect(stderr).toContain(`${script}:3: the command on this line failed`);
  });

  it('refuses a broken scenario file, a missing script and bad options clearly', async () => {
    const script = file('ok.lab', 'esxcli storage core adapter list\n');
    const broken = file('broken.json', JSON.stringify({ name: 'x', adapters: [{ name: 'hba1' }] }));
    const r1 = await pathlab('run', script, '--scenario', broken);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/scenario .*broken\.json: invalid scenario/);
    expect(r1.stderr).toMatch(/adapters\[0\]\.name/);
    const r2 = await pathlab('run', script, '--scenario', file('notjson.json', '{'));
    expect(r2.stderr).toMatch(/not JSON/);
    const r3 = await pathlab('run', join(dir, 'missing.lab'));
    expect(r3.stderr).toMatch(/cannot read .*missing\.lab: ENOENT/);
    const r4 = await pathlab('run', script, '--seed', 'x');
    expect(r4.stderr).toMatch(/--seed needs a whole number/);
    expect((await pathlab('run')).stderr).toMatch(/no script given/);
  });

  it('loads the three plugin templates, reading each file beside the script', async () => {
    const here = mkdtempSync(join(tmpdir(), 'pathlab-templates-'));
    for (const name of ['psp.ts', 'satp.ts', 'mpp.ts']) copyFileSync(join('src/stack/plugins/templates', name), join(here, name));
    writeFileSync(join(here, 'load.lab'), 'plugin load psp.ts\nplugin load satp.ts\nplugin load mpp.ts\nplugin list\nesxcli storage core plugin list\n');
    const { stdout, code } = await pathlab('run', join(here, 'load.lab'));
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/^LAB_PSP_LQD\s+PSP\s+psp\.ts\s+loaded/m);
    expect(stdout).toMatch(/^LAB_SATP_EXAMPLE\s+SATP\s+satp\.ts\s+loaded/m);
    expect(stdout).toMatch(/^LAB_MPP_EXAMPLE\s+MPP\s+mpp\.ts\s+loaded/m);
    expect(stdout).toMatch(/^LAB_MPP_EXAMPLE\s+MP\b/m);
  });

  it('a missing plugin file stops the script at its line with the path it looked for', async () => {
    const script = file('missing.lab', 'plugin load nowhere.ts\n');
    const { stderr, stdout, code } = await pathlab('run', script);
    expect(code).toBe(1);
    expect(stdout).toContain(`cannot read ${join(dir, 'nowhere.ts')}: ENOENT`);
    expect(stderr).toContain('missing.lab:1: the command on this line failed');
  });

  // Every lesson that ships plugin files, start then solution, as a learner would run them at home.
  const lessonsWithPlugins = readdirSync('lessons', { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(join('lessons', d.name)).some((f) => f.endsWith('.ts')))
    .map((d) => d.name);
  it('some lessons ship plugin files', () => expect(lessonsWithPlugins.length).toBeGreaterThanOrEqual(3));
  for (const lesson of lessonsWithPlugins) {
    it(`runs lesson ${lesson}'s start and solution with its plugin files`, async () => {
      const here = mkdtempSync(join(tmpdir(), `pathlab-${lesson}-`));
      for (const f of readdirSync(join('lessons', lesson)).filter((x) => x.endsWith('.ts'))) copyFileSync(join('lessons', lesson, f), join(here, f));
      const start = existsSync(join('lessons', lesson, 'start.lab')) ? readFileSync(join('lessons', lesson, 'start.lab'), 'utf8') : '';
      writeFileSync(join(here, 'lesson.lab'), `${start}\n${readFileSync(join('lessons', lesson, 'solution.lab'), 'utf8')}`);
      const { stdout, code } = await pathlab('run', join(here, 'lesson.lab'));
      expect(code, stdout).toBe(0);
      expect(stdout).toMatch(/ \((PSP|SATP|MPP)\) loaded from /);
      expect(stdout).toMatch(/verify: [1-9]\d* blocks checked, 0 failed/);
      expect(stdout).not.toMatch(/verify: \d+ blocks checked, [1-9]/);
    });
  }
});
