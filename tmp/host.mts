import { Host } from '../src/stack/host.ts';
const host = await Host.boot();
for (const d of host.nmp.devices) {
  console.log(d.logical.id, d.satp.name, d.psp.name, d.logical.vendor, d.logical.model, d.logical.blocks);
  for (const p of d.paths) console.log('   ', p.name, p.state, p.alua, p.target);
  console.log('   working:', d.workingPaths().map(p=>p.name).join(', '), '|', d.psp.describe?.(d.pspView), '|', d.satp.describe?.(d.satpView));
}
console.log(host.vms.map(v => v.disks.map(d => `${d.world} -> ${d.device?.id}`)).flat());
console.log(host.logLines.slice(0, 10));
