import { test, expect, type Page } from '@playwright/test';
import { openLab } from './lab-page';

// What a plugin cannot do in the browser's stack worker, where the realm is locked down before the
// first plugin runs: build code from strings (and so escape its guards and shadowed globals), or
// change the built-ins the stack shares with it. Either attempt is a throw in one of its hooks: the
// plugin is disabled, its devices fall back, and the stack runs on as before.

const AA0 = 'naa.600140500aaa00030000000000000000';

/** Saves a plugin file with the lab, as the editor's Save does. */
const save = (page: Page, name: string, source: string) =>
  page.evaluate(([n, s]) => (window as unknown as { pathlab: { savePluginFile(f: { name: string; source: string }): Promise<void> } }).pathlab.savePluginFile({ name: n, source: s }), [name, source]);

for (const [what, attempt, expected] of [
  ['builds code from a string', "const g = (() => {}).constructor('return globalThis')();", 'building code from strings is not allowed'],
  ['builds code from a string (async)', "const g = (async () => {}).constructor('return globalThis')();", 'building code from strings is not allowed'],
  ['rewrites a built-in the stack uses', 'Array.prototype.includes = () => true;', 'Cannot assign to read only property'],
  ['rewrites a built-in method by override', "Object.prototype.toString = () => 'x';", 'toString of a built-in cannot be changed'],
] as const) {
  test(`a PSP that ${what} is disabled and the stack runs on`, async ({ page, baseURL }) => {
    const lab = await openLab(page, baseURL, { sandbox: true });
    await save(page, 'escape.ts', [
      'export default {',
      "  name: 'LAB_PSP_ESCAPE',",
      '  selectPath(_io: unknown, paths: readonly unknown[]) {',
      `    ${attempt}`,
      '    return paths[0];',
      '  },',
      '};',
      '',
    ].join('\n'));
    await lab.type('plugin load escape.ts');
    expect(await lab.lastOutput()).toContain('LAB_PSP_ESCAPE (PSP) loaded from escape.ts');
    await lab.type(`esxcli storage nmp device set -d ${AA0} --psp LAB_PSP_ESCAPE`);
    await lab.type('fio --name w --vm db01 --disk 1 --rw randwrite --bs 4k --iodepth 4 --size 64k');
    expect(await lab.lastOutput()).toMatch(/errors: 0/);
    const alert = page.getByRole('alert', { name: 'Plugin faults' });
    await expect(alert).toContainText('LAB_PSP_ESCAPE: selectPath threw');
    await expect(alert).toContainText(expected);
    await expect(alert).toContainText('line 4');
    // The built-ins are as they were, for the stack and for the next plugin.
    await lab.type('fio --name r --vm db01 --disk 1 --rw randread --bs 4k --iodepth 4 --size 64k --verify');
    expect(await lab.lastOutput()).toMatch(/verify: [1-9]\d* blocks checked, 0 failed/);
    await lab.type(`esxcli storage nmp device list -d ${AA0}`);
    expect(await lab.lastOutput()).toContain('Path Selection Policy: VMW_PSP_FIXED');
    lab.verifyClean();
  });
}
