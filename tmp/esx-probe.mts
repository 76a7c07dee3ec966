import { Host } from '../src/stack/host.ts';
const host = await Host.boot();
for (const p of host.psa.paths) console.log(p.name, p.uid, p.owner, p.state, p.alua, p.working, p.preferred, p.identity.vendor, '|'+p.identity.model+'|', p.identity.tpgs);
for (const d of host.nmp.devices) console.log(d.logical.id, d.logical.displayName, d.satp.name, d.psp.name, d.psp.describe?.(d.pspView), d.satp.describe?.(d.satpView), d.workingPaths().map(p=>p.name), JSON.stringify(d.satpView.state), d.logical.vmlId, d.logical.status, d.logical.queueDepth, d.logical.schedNumReqOutstanding);
console.log(host.psa.claimRules.list());
console.log(host.psa.plugins.list().map(e=>[e.mpp.name,e.state]));
for (const a of host.adapters) console.log(a.name, a.uid, a.transport, a.driver, a.description);
