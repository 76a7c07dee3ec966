// Lessons 15 and 16 as a learner types them: one lab script on esxi01, with `on esxi02` lines for
// the peer. Two runs of the same script print the same bytes.

import { expect, it } from 'vitest';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { AA0 } from './vmfs-lab';

const SCRIPT = `
vmkfstools -C vmfs6 -S shared-ds /vmfs/devices/disks/${AA0}
on esxi02 esxcli storage filesystem rescan
on esxi02 esxcli storage filesystem list
vmkfstools -c 16m -d eagerzeroedthick /vmfs/volumes/shared-ds/gold.vmdk
sleep 4s
on esxi02 vmkfstools -i /vmfs/volumes/shared-ds/gold.vmdk /vmfs/volumes/shared-ds/web.vmdk
esxcli storage filesystem rescan
fio --name app --filename /vmfs/volumes/shared-ds/web.vmdk --rw randwrite --bs 4k --iodepth 8 --runtime 5s &
sleep 1s
on esxi02 vmkfstools -D /vmfs/volumes/shared-ds/web.vmdk
vmkfstools --activehosts /vmfs/volumes/shared-ds
wait
esxtop vaai
esxcli storage core adapter stats get -a vmhba1
`;

async function run(): Promise<string> {
  const host = await Host.boot();
  let out = '';
  const failed = await new LabSession(host).runScript(SCRIPT, (s) => (out += s));
  expect(failed, out).toBe(0);
  return out;
}

it('runs as a lab script across both hosts, the same bytes every time', async () => {
  const out = await run();
  expect(out).toMatch(/\$ on esxi02 esxcli storage filesystem list\n.*Mount Point.*\n.*\n\/vmfs\/volumes\/\S+ +shared-ds /);
  expect(out).toContain('Data mover: hardware (XCOPY): 4 EXTENDED COPY commands');
  expect(out).toMatch(/\$ on esxi02 vmkfstools -D \/vmfs\/volumes\/shared-ds\/web\.vmdk\nLock \[type 10c00001 offset \d+ v \d+, hb offset 512\ngen \d+, mode 1, owner /);
  expect(out).toMatch(/Found 2 actively heartbeating hosts on volume '\/vmfs\/volumes\/shared-ds'/);
  expect(out).toMatch(/Bytes Sent: \d+\n {3}Bytes Received: \d+/);
  expect(out).toMatch(new RegExp(`^${AA0} +0 +0 +0 +[1-9]\\d* +0 +1 +0 +0 +0$`, 'm')); // esxi01: ATS, one WRITE SAME, no clone (esxi02 cloned)
  expect(await run()).toBe(out);
}, 120_000);
