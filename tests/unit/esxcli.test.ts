// esxcli over a booted classroom host: output shapes, state changes through the stack, and every
// error with its message. Each test boots its own host, so nothing leaks between them.

import { beforeEach, describe, expect, it } from 'vitest';
import { Host } from '../../src/stack/host';
import { esxcli, splitCommandLine } from '../../src/stack/cli/esxcli';
import { parseRecords } from './esxcli-records';

const ALUA0 = 'naa.600140500a1a00010000000000000000';
const AP0 = 'naa.600140500a9a00020000000000000000';
const AA0 = 'naa.600140500aaa00030000000000000000';
const LOCAL = 'mpx.vmhba0:C0:T0:L0';

let host: Host;
beforeEach(async () => {
  host = await Host.boot();
});

function run(line: string) {
  return esxcli(host, splitCommandLine(line));
}

function ok(line: string): string {
  const r = run(line);
  expect(r.ok, `${line}\n${r.output}`).toBe(true);
  return r.output;
}

function fail(line: string): string {
  const r = run(line);
  expect(r.ok, `${line}\n${r.output}`).toBe(false);
  expect(r.output.startsWith('Error: ')).toBe(true);
  return r.output;
}


function keysOf(text: string): string[] {
  return text.split('\n\n')[0].split('\n').slice(1).map((l) => l.slice(3, l.indexOf(':')));
}

/** Table rows as arrays of cells (split on runs of 2+ spaces), without header and dashes. */
function rows(text: string): string[][] {
  const lines = text.split('\n');
  expect(lines[1]).toMatch(/^-+( {2}-+)*$/);
  return lines.slice(2).map((l) => l.trim().split(/ {2,}/));
}

describe('splitCommandLine', () => {
  it('splits on blanks and honours double and single quotes', () => {
    expect(splitCommandLine('storage core claimrule add -V DELL --model "Universal Xport"')).toEqual([
      'storage', 'core', 'claimrule', 'add', '-V', 'DELL', '--model', 'Universal Xport',
    ]);
    expect(splitCommandLine(`  -e 'two  words'   --x="a b"c ""  `)).toEqual(['-e', 'two  words', '--x=a bc', '']);
    expect(splitCommandLine('a\\ b "q\\"q"')).toEqual(['a b', 'q"q']);
    expect(splitCommandLine('')).toEqual([]);
  });
});

describe('namespaces, usage and option errors', () => {
  it('rejects an unknown namespace or command with the parent usage', () => {
    const out = fail('storage core foo');
    expect(out.split('\n')[0]).toBe('Error: Unknown command or namespace storage core foo');
    expect(out).toContain('Usage: esxcli storage core {cmd} [cmd options]');
    expect(out).toContain('Available Namespaces:');
    expect(fail('storage nmp device frob -d x').split('\n')[0]).toBe('Error: Unknown command or namespace storage nmp device frob');
    expect(fail('bogus').split('\n')[0]).toBe('Error: Unknown command or namespace bogus');
  });

  it('lists a namespace and prints a command usage on --help', () => {
    const ns = ok('storage nmp psp');
    expect(ns).toMatch(/^Usage: esxcli storage nmp psp \{cmd\} \[cmd options\]/);
    expect(ns).toMatch(/Available Namespaces:\n(.|\n)*\n {2}roundrobin {12}Manage/);
    expect(ns).toMatch(/Available Commands:\n {2}list {18}List the Path Selection Plugins/);
    const help = ok('storage nmp device set --help');
    expect(help.split('\n')[0]).toBe('Usage: esxcli storage nmp device set [cmd options]');
  });

  it('names a missing required parameter and prints the usage block', () => {
    const out = fail('storage nmp device set');
    const lines = out.split('\n');
    expect(lines[0]).toBe('Error: Missing required parameter -d|--device');
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe('Usage: esxcli storage nmp device set [cmd options]');
    expect(lines).toContain('Description:');
    expect(lines).toContain('Cmd options:');
    expect(out).toMatch(/\n {2}-d\|--device=<str> {5}The device you wish to set the Path Selection Policy \(PSP\) for\. \(required\)/);
    expect(out).toMatch(/\n {2}-E\|--default {10}Set Path Selection Policy/);
    expect(out).toMatch(/\n {2}-P\|--psp=<str> {8}The Path Selection Policy/);
  });

  it('rejects unknown options, missing values and bad integers', () => {
    expect(fail('storage core path list --bogus x').split('\n')[0]).toBe('Error: Invalid option --bogus');
    expect(fail('storage core path list -z').split('\n')[0]).toBe('Error: Invalid option -z');
    expect(fail('storage core path list -d').split('\n')[0]).toBe('Error: Missing value for option -d|--device');
    expect(fail('storage core path list stray').split('\n')[0]).toMatch(/^Error: Invalid argument stray/);
    const bad = fail(`storage core device set -d ${AA0} -O abc`);
    expect(bad.split('\n')[0]).toBe("Error: Invalid value 'abc' for parameter -O|--sched-num-req-outstanding: expected an integer (<long>)");
    expect(bad).toContain('Usage: esxcli storage core device set [cmd options]');
    expect(fail(`storage nmp psp roundrobin deviceconfig set -d ${AA0} -U maybe`).split('\n')[0]).toBe(
      "Error: Invalid value 'maybe' for parameter -U|--useano: expected a boolean (<bool>)",
    );
    expect(fail('storage core claimrule add -u --force-reserved=yes -t vendor -V X -P NMP').split('\n')[0]).toBe(
      'Error: Option --force-reserved takes no value',
    );
  });

  it('accepts -x V, --long V and --long=V alike', () => {
    for (const form of [`-d ${AA0}`, `--device ${AA0}`, `--device=${AA0}`]) {
      expect([...parseRecords(ok(`storage nmp device list ${form}`)).keys()]).toEqual([AA0]);
    }
  });
});

describe('storage core adapter', () => {
  it('lists adapters with link states', () => {
    host.adapter('vmhba2')!.linkUp = false;
    const out = ok('storage core adapter list');
    expect(out.split('\n')[0]).toMatch(/^HBA Name {2}Driver {6}Link State {2}UID +Capabilities +Description$/);
    const r = rows(out);
    expect(r[0]).toEqual(['vmhba0', 'lsi_msgpt3', 'link-n/a', 'sas.vmhba0', 'Avago (LSI) Fusion-MPT 12GSAS SAS3008 PCI-Express']);
    expect(r[1]).toEqual(['vmhba1', 'qlnativefc', 'link-up', 'fc.20000024ff3dfa88:21000024ff3dfa88', 'Second Level Lun ID', 'QLogic Corp QLE2562 Dual Port 8Gb Fibre Channel to PCIe Adapter']);
    expect(r[2][2]).toBe('link-down');
  });

  it('rescans: paths behind a failed fabric disappear', () => {
    expect(fail('storage core adapter rescan').split('\n')[0]).toBe('Error: Either --adapter or --all must be specified');
    expect(fail('storage core adapter rescan -A vmhba9')).toBe('Error: Unknown adapter vmhba9');
    host.fabrics.find((f) => f.name === 'fabric-a')!.up = false;
    expect(ok('storage core adapter rescan --all')).toBe('');
    const names = [...parseRecords(ok('storage core path list')).values()].map((r) => r['Runtime Name']);
    expect(names.some((n) => n.startsWith('vmhba1:'))).toBe(false);
    expect(names).toContain('vmhba2:C0:T0:L0');
    expect(ok('storage core adapter rescan -A vmhba1')).toBe('');
  });
});

describe('storage core path list', () => {
  const FIELDS = [
    'UID', 'Runtime Name', 'Device', 'Device Display Name', 'Adapter', 'Channel', 'Target', 'LUN', 'Plugin', 'State', 'Transport',
    'Adapter Identifier', 'Target Identifier', 'Adapter Transport Details', 'Target Transport Details', 'Maximum I/O Size',
  ];

  it('prints one record per path headed by its UID', () => {
    const out = ok('storage core path list');
    expect(keysOf(out)).toEqual(FIELDS);
    const recs = parseRecords(out);
    expect(recs.size).toBe(27); // 25 LUN paths and the vVol PE's two
    const uid = 'fc.20000024ff3dfa88:21000024ff3dfa88-fc.5001405a010000ff:5001405a01000000-naa.600140500a1a00010000000000000000';
    expect(recs.get(uid)).toEqual({
      UID: uid, 'Runtime Name': 'vmhba1:C0:T0:L0', Device: ALUA0, 'Device Display Name': `PATHLAB Fibre Channel Disk (${ALUA0})`,
      Adapter: 'vmhba1', Channel: '0', Target: '0', LUN: '0', Plugin: 'NMP', State: 'active', Transport: 'fc',
      'Adapter Identifier': 'fc.20000024ff3dfa88:21000024ff3dfa88', 'Target Identifier': 'fc.5001405a010000ff:5001405a01000000',
      'Adapter Transport Details': 'WWNN: 20:00:00:24:ff:3d:fa:88 WWPN: 21:00:00:24:ff:3d:fa:88',
      'Target Transport Details': 'WWNN: 50:01:40:5a:01:00:00:ff WWPN: 50:01:40:5a:01:00:00:00', 'Maximum I/O Size': '33553920',
    });
    expect(recs.get(`${uid.replace(ALUA0, '')}`)).toBeUndefined();
  });

  it('filters by path (runtime name or UID) and device', () => {
    const byName = parseRecords(ok('storage core path list -p vmhba2:C0:T2:L0'));
    const [uid] = byName.keys();
    expect(byName.get(uid)!['State']).toBe('standby');
    expect([...parseRecords(ok(`storage core path list --path ${uid}`)).keys()]).toEqual([uid]);
    const dev = parseRecords(ok(`storage core path list -d ${ALUA0}`));
    expect([...dev.values()].map((r) => r['Runtime Name'])).toEqual(['vmhba1:C0:T0:L0', 'vmhba1:C0:T1:L0', 'vmhba2:C0:T0:L0', 'vmhba2:C0:T1:L0']);
    expect(fail('storage core path list -p vmhba7:C0:T0:L0')).toBe('Error: Unable to find path vmhba7:C0:T0:L0: no path with that runtime name or UID');
    expect(fail('storage core path list -d naa.nothing')).toBe('Error: Unknown device naa.nothing');
  });
});

describe('storage core device', () => {
  it('lists devices with the esxcli fields', () => {
    const out = ok(`storage core device list -d ${ALUA0}`);
    expect(keysOf(out)).toEqual([
      'Display Name', 'Has Settable Display Name', 'Size', 'Device Type', 'Multipath Plugin', 'Devfs Path', 'Vendor', 'Model',
      'Revision', 'SCSI Level', 'Is Pseudo', 'Status', 'Is RDM Capable', 'Is Local', 'Is Removable', 'Is SSD', 'Is VVOL PE',
      'Is Offline', 'Is Perennially Reserved', 'Queue Full Sample Size', 'Queue Full Threshold', 'Thin Provisioning Status',
      'Attached Filters', 'VAAI Status', 'Other UIDs', 'Is Shared Clusterwide', 'Is Local SAS Device', 'Is SAS', 'Is USB',
      'Is Boot Device', 'Device Max Queue Depth', 'No of outstanding IOs with competing worlds', 'Drive Type', 'RAID Level',
      'Number of Physical Drives', 'Protection Enabled', 'PI Activated', 'PI Type', 'PI Protection Mask', 'Supported Guard Types',
      'DIX Enabled', 'DIX Guard Type', 'Emulated DIX/DIF Enabled',
    ]);
    const d = parseRecords(out).get(ALUA0)!;
    expect(d['Size']).toBe('10240');
    expect(d['Device Type']).toBe('Direct-Access');
    expect(d['Multipath Plugin']).toBe('NMP');
    expect(d['Devfs Path']).toBe(`/vmfs/devices/disks/${ALUA0}`);
    expect([d['Vendor'], d['Model'], d['Revision']]).toEqual(['PATHLAB', 'ALUA-VA', '0100']);
    expect(d['Status']).toBe('on');
    expect(d['Other UIDs']).toBe('vml.0200000000600140500a1a00010000000000000000414c55412d56');
    expect(d['Is Local']).toBe('false');
    expect(d['Device Max Queue Depth']).toBe('64');
    expect(d['No of outstanding IOs with competing worlds']).toBe('32');
    const all = parseRecords(ok('storage core device list'));
    expect(all.size).toBe(10); // 9 LUNs and vvol-array's protocol endpoint
    expect(all.get(LOCAL)!['Is Local']).toBe('true');
    expect(all.get(LOCAL)!['Is SAS']).toBe('true');
    expect(fail('storage core device list -d naa.gone')).toBe('Error: Unknown device naa.gone');
  });

  it('sets DSNRO and max queue depth, validating both', () => {
    expect(ok(`storage core device set -d ${AA0} -O 16`)).toBe('');
    expect(host.psa.device(AA0)!.schedNumReqOutstanding).toBe(16);
    expect(parseRecords(ok(`storage core device list -d ${AA0}`)).get(AA0)!['No of outstanding IOs with competing worlds']).toBe('16');
    expect(ok(`storage core device set -d ${AA0} --max-queue-depth=128 --sched-num-req-outstanding=100`)).toBe('');
    expect(host.psa.device(AA0)!.queueDepth).toBe(128);
    expect(host.psa.device(AA0)!.schedNumReqOutstanding).toBe(100);
    expect(fail(`storage core device set -d ${AA0} -O 129`)).toBe(
      "Error: Unable to set device's sched-num-req-outstanding: value 129 is out of range (1-128); it cannot exceed the max queue depth 128",
    );
    expect(fail(`storage core device set -d ${AA0} -O 0`)).toMatch(/value 0 is out of range/);
    expect(fail(`storage core device set -d ${AA0} -m 0`)).toMatch(/^Error: Unable to set device's max queue depth: value 0 is out of range/);
    ok(`storage core device set -d ${AA0} -m 32`); // lowering DQLEN lowers DSNRO with it
    expect(host.psa.device(AA0)!.schedNumReqOutstanding).toBe(32);
    expect(fail(`storage core device set -d ${AA0}`).split('\n')[0]).toBe('Error: Nothing to set: give --sched-num-req-outstanding or --max-queue-depth');
    expect(fail('storage core device set -d naa.gone -O 4')).toBe('Error: Unknown device naa.gone');
  });
});

describe('storage core claimrule', () => {
  const HEADER = 'Rule Class   Rule  Class    Type       Plugin     Matches                            XCOPY Use Array Reported Values  XCOPY Use Multiple Segments  XCOPY Max Transfer Size KiB';

  it('lists rules with right-aligned numbers', () => {
    const lines = ok('storage core claimrule list').split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines).toContain('MP            101  file     vendor     MASK_PATH  vendor=DELL model=Universal Xport                            false                        false                            0');
    expect(lines[2]).toMatch(/^MP {13}50 {2}runtime {2}transport {2}NMP {8}transport=usb +false +false +0$/);
    expect(lines[lines.length - 1]).toMatch(/^MP {10}65535 {2}runtime {2}vendor {5}NMP {8}vendor=\* model=\*/);
    expect(ok('storage core claimrule list -c VAAI').split('\n')).toHaveLength(2);
    expect(ok('storage core claimrule list -c all')).toContain('65535');
    expect(fail('storage core claimrule list -c Bogus').split('\n')[0]).toBe('Error: Invalid claimrule class Bogus. Valid values are: MP, Filter, VAAI, all');
  });

  const classesOf = (rule: number) =>
    rows(ok('storage core claimrule list')).filter((r) => r[1] === String(rule)).map((r) => r[2]);

  it('add writes a file rule, load makes it runtime, remove and move change the file', () => {
    expect(ok('storage core claimrule add -r 200 -t vendor -V NEWVEND -M "Model X" -P MASK_PATH')).toBe('');
    expect(classesOf(200)).toEqual(['file']);
    const row = rows(ok('storage core claimrule list')).find((r) => r[1] === '200')!;
    expect(row.slice(0, 6)).toEqual(['MP', '200', 'file', 'vendor', 'MASK_PATH', 'vendor=NEWVEND model=Model X']);
    ok('storage core claimrule load');
    expect(classesOf(200)).toEqual(['runtime', 'file']);
    ok('storage core claimrule move -r 200 -n 210');
    expect(classesOf(200)).toEqual(['runtime']);
    expect(classesOf(210)).toEqual(['file']);
    ok('storage core claimrule remove -r 210');
    ok('storage core claimrule load');
    expect(classesOf(200)).toEqual([]);
    expect(classesOf(210)).toEqual([]);
    ok('storage core claimrule add -u -t transport -R iscsi -P NMP');
    expect(classesOf(5000)).toEqual(['file']);
    ok('storage core claimrule add -u -t driver -D lpfc -P NMP');
    expect(rows(ok('storage core claimrule list')).find((r) => r[1] === '5001')!.slice(3, 6)).toEqual(['driver', 'NMP', 'driver=lpfc']);
    ok(`storage core claimrule add -r 300 -t device -d ${AA0} -P NMP`);
    ok('storage core claimrule add -r 301 -t location -A vmhba2 -L 1 -P NMP');
    const matches = rows(ok('storage core claimrule list')).filter((r) => r[1] === '300' || r[1] === '301').map((r) => r[5]);
    expect(matches).toEqual([`device=${AA0}`, 'adapter=vmhba2 channel=* target=* lun=1']);
  });

  it('reports each add, remove and move error', () => {
    const first = (line: string) => fail(line).split('\n')[0];
    expect(first('storage core claimrule add -r 50 -t vendor -V X -P MASK_PATH')).toBe(
      'Error: Rule 50 is in a range reserved for VMware (0-100, 65436-65535). Use --force-reserved to add it anyway.',
    );
    expect(ok('storage core claimrule add -r 60 -t vendor -V X -P MASK_PATH --force-reserved')).toBe('');
    expect(classesOf(60)).toEqual(['file']);
    expect(first('storage core claimrule add -r 101 -t vendor -V X -P MASK_PATH')).toBe('Error: Duplicate user rule id 101 specified');
    expect(first('storage core claimrule add -r 70000 -t vendor -V X -P NMP --force-reserved')).toBe(
      'Error: Invalid rule number 70000: rule numbers go from 0 to 65535',
    );
    expect(first('storage core claimrule add -r 200 -t vendor -P MASK_PATH')).toBe('Error: A vendor claim rule needs --vendor or --model');
    expect(first('storage core claimrule add -r 200 -t location -P MASK_PATH')).toBe(
      'Error: A location claim rule needs --adapter or --channel or --target or --lun',
    );
    expect(first('storage core claimrule add -r 200 -t driver -P NMP')).toBe('Error: A driver claim rule needs --driver');
    expect(first('storage core claimrule add -r 200 -t device -P NMP')).toBe('Error: A device claim rule needs --device');
    expect(first('storage core claimrule add -r 200 -t location -V X -A vmhba1 -P NMP')).toBe('Error: Option --vendor cannot be used with a location claim rule');
    expect(first('storage core claimrule add -r 200 -t transport -R token -P NMP')).toMatch(/^Error: Invalid transport token\. Valid values are: block, fc/);
    expect(first('storage core claimrule add -r 200 -t colour -V X -P NMP')).toBe(
      'Error: Invalid claimrule type colour. Valid values are: vendor, location, driver, transport, device',
    );
    expect(first('storage core claimrule add -r 200 -t vendor -V X -P PowerPath')).toBe('Error: Unable to add claim rule: plugin PowerPath is not loaded');
    expect(first('storage core claimrule add -t vendor -V X -P NMP')).toBe('Error: Must specify either --rule or --autoassign');
    expect(first('storage core claimrule add -r 200 -u -t vendor -V X -P NMP')).toBe('Error: Specify either --rule or --autoassign, not both');
    expect(first('storage core claimrule add -r 200 -t vendor -V X')).toBe('Error: Missing required parameter -P|--plugin');
    expect(first('storage core claimrule remove -r 4242')).toBe('Error: Unable to remove rule 4242: rule not found in the file rules');
    expect(first('storage core claimrule remove')).toBe('Error: Missing required parameter -r|--rule');
    expect(first('storage core claimrule move -r 4242 -n 4243')).toBe('Error: Unable to move rule 4242: rule not found in the file rules');
    ok('storage core claimrule add -r 200 -t vendor -V X -P NMP');
    expect(first('storage core claimrule move -r 200 -n 90')).toBe('Error: Rule 90 is in a range reserved for VMware (0-100, 65436-65535). Use --force-reserved to add it anyway.');
    expect(first('storage core claimrule move -r 200 -n 101')).toBe('Error: Duplicate user rule id 101 specified');
    expect(classesOf(200)).toEqual(['file']);
  });

  it('masks a path with a MASK_PATH location rule and brings it back', () => {
    const paths = () => [...parseRecords(ok('storage core path list')).values()].map((r) => r['Runtime Name']);
    const aaPaths = () => [...parseRecords(ok(`storage nmp path list -d ${AA0}`)).values()].map((r) => r['Runtime Name']);
    expect(aaPaths()).toEqual(['vmhba1:C0:T3:L0', 'vmhba2:C0:T3:L0']);
    ok('storage core claimrule add -r 120 -t location -A vmhba1 -C 0 -T 3 -L 0 -P MASK_PATH');
    ok('storage core claimrule load');
    ok('storage core claimrule run'); // the path is still claimed by NMP: nothing changes yet
    expect(paths()).toContain('vmhba1:C0:T3:L0');
    expect(ok('storage core claiming unclaim -t location -A vmhba1 -C 0 -T 3 -L 0')).toBe('');
    ok('storage core claimrule run');
    expect(paths()).not.toContain('vmhba1:C0:T3:L0');
    expect(paths()).toHaveLength(26); // the vVol PE's two paths included
    expect(aaPaths()).toEqual(['vmhba2:C0:T3:L0']);
    expect(fail('storage core path list -p vmhba1:C0:T3:L0')).toMatch(/^Error: Unable to find path vmhba1:C0:T3:L0/);
    // Lift the mask: remove the rule, load, unclaim the masked path, run.
    ok('storage core claimrule remove -r 120');
    ok('storage core claimrule load');
    ok('storage core claiming unclaim --type=location --adapter=vmhba1 --target=3 --lun=0');
    ok('storage core claimrule run');
    expect(aaPaths()).toEqual(['vmhba1:C0:T3:L0', 'vmhba2:C0:T3:L0']);
    expect(parseRecords(ok('storage core path list -p vmhba1:C0:T3:L0')).values().next().value!['Plugin']).toBe('NMP');
  });
});

describe('storage core claiming unclaim', () => {
  it('unclaims by device, leaving the paths unclaimed until run', () => {
    ok(`storage core claiming unclaim -t device -d ${AP0}`);
    expect(fail(`storage nmp device list -d ${AP0}`)).toBe(`Error: Unknown device ${AP0}`);
    const rec = parseRecords(ok('storage core path list -p vmhba1:C0:T2:L0')).values().next().value!;
    expect([rec['Plugin'], rec['Device']]).toEqual(['(unclaimed)', 'No associated device']);
    ok('storage core claimrule run');
    expect(parseRecords(ok(`storage nmp device list -d ${AP0}`)).get(AP0)!['Storage Array Type']).toBe('VMW_SATP_DEFAULT_AP');
  });

  it('reports paths of a busy device by name', () => {
    host.psa.device(AA0)!.openCount = 1;
    const out = fail(`storage core claiming unclaim -t device -d ${AA0}`);
    expect(out).toContain('Unable to unclaim all requested paths');
    expect(out).toContain('device is busy');
    expect(out).toContain('vmhba1:C0:T3:L0, vmhba2:C0:T3:L0');
    expect(host.psa.path('vmhba1:C0:T3:L0')!.owner).toBe('NMP');
  });

  it('validates the type and its options', () => {
    expect(fail('storage core claiming unclaim').split('\n')[0]).toBe('Error: Missing required parameter -t|--type');
    expect(fail('storage core claiming unclaim -t colour').split('\n')[0]).toBe(
      'Error: Invalid unclaim type colour. Valid values are: location, path, driver, device, plugin, vendor',
    );
    expect(fail('storage core claiming unclaim -t location').split('\n')[0]).toBe(
      'Error: Unclaim type location needs --adapter or --channel or --target or --lun',
    );
    expect(fail('storage core claiming unclaim -t device -d naa.none')).toBe('Error: Unable to perform unclaim: no paths match the device given');
    expect(fail('storage core claiming unclaim -t plugin -P Foo')).toBe('Error: Unknown plugin Foo');
    ok('storage core claiming unclaim -t path -p vmhba2:C0:T3:L1');
    expect(host.psa.path('vmhba2:C0:T3:L1')!.owner).toBeUndefined();
    ok('storage core claiming unclaim -t vendor -V SEAGATE');
    expect(host.psa.device(LOCAL)).toBeUndefined();
  });
});

describe('storage core plugin list', () => {
  it('lists the loaded plugins', () => {
    const out = ok('storage core plugin list');
    expect(out.split('\n').slice(0, 2)).toEqual(['Plugin name  Plugin class', '-----------  ------------']);
    expect(rows(out)).toEqual([['MASK_PATH', 'MP'], ['NMP', 'MP']]);
    expect(rows(ok('storage core plugin list -N MP'))).toHaveLength(2);
    expect(rows(ok('storage core plugin list --plugin-class=VAAI'))).toHaveLength(0);
    expect(fail('storage core plugin list -N Foo').split('\n')[0]).toBe('Error: Invalid plugin class Foo. Valid values are: MP, Filter, VAAI, all');
  });
});

describe('storage nmp device', () => {
  const FIELDS = [
    'Device Display Name', 'Storage Array Type', 'Storage Array Type Device Config', 'Path Selection Policy',
    'Path Selection Policy Device Config', 'Path Selection Policy Device Custom Config', 'Working Paths', 'Is USB',
  ];

  it('lists NMP devices with SATP and PSP', () => {
    const out = ok('storage nmp device list');
    expect(keysOf(out)).toEqual(FIELDS);
    const recs = parseRecords(out);
    expect(recs.size).toBe(10); // the vVol protocol endpoint included
    const alua = recs.get(ALUA0)!;
    expect(alua['Storage Array Type']).toBe('VMW_SATP_ALUA');
    expect(alua['Storage Array Type Device Config']).toMatch(/^\{implicit_support=on; explicit_support=on;.*\{TPG_id=1,TPG_state=AO\}\{TPG_id=2,TPG_state=ANO\}\}$/);
    expect(alua['Path Selection Policy']).toBe('VMW_PSP_MRU');
    expect(alua['Path Selection Policy Device Custom Config']).toBe('');
    expect(alua['Working Paths']).toBe(host.nmp.device(ALUA0)!.workingPaths().map((p) => p.name).join(', '));
    expect(alua['Is USB']).toBe('false');
    expect(recs.get(LOCAL)!['Storage Array Type Device Config']).toBe('SATP VMW_SATP_LOCAL does not support device configuration.');
    expect(recs.get(AA0)!['Path Selection Policy Device Config']).toMatch(/^\{preferred=vmhba1:C0:T3:L0;current=/);
    expect(fail('storage nmp device list -d naa.none')).toBe('Error: Unknown device naa.none');
  });

  it('sets a PSP and goes back to the default', () => {
    expect(ok(`storage nmp device set -d ${ALUA0} --psp VMW_PSP_RR`)).toBe('');
    const rec = () => parseRecords(ok(`storage nmp device list -d ${ALUA0}`)).get(ALUA0)!;
    expect(rec()['Path Selection Policy']).toBe('VMW_PSP_RR');
    expect(rec()['Path Selection Policy Device Config']).toMatch(/^\{policy=rr,iops=1000,bytes=10485760,useANO=0; lastPathIndex=/);
    expect(host.nmp.device(ALUA0)!.pspOverride).toBe('VMW_PSP_RR');
    expect(ok(`storage nmp device set -d ${ALUA0} -E`)).toBe('');
    expect(rec()['Path Selection Policy']).toBe('VMW_PSP_MRU');
    expect(host.nmp.device(ALUA0)!.pspOverride).toBeUndefined();
  });

  it('reports unknown devices and PSPs', () => {
    expect(fail('storage nmp device set -d naa.bogus -P VMW_PSP_RR')).toBe('Error: Unknown device naa.bogus');
    expect(fail(`storage nmp device set -d ${AA0} -P VMW_PSP_XX`)).toBe(
      `Error: Unable to set PSP for device ${AA0}: VMW_PSP_XX is not a valid PSP name (see esxcli storage nmp psp list)`,
    );
    expect(fail(`storage nmp device set -d ${AA0}`).split('\n')[0]).toBe('Error: You must specify either --psp or --default');
    expect(fail(`storage nmp device set -d ${AA0} -P VMW_PSP_RR -E`).split('\n')[0]).toBe('Error: --psp and --default cannot be used together');
    expect(host.nmp.device(AA0)!.psp.name).toBe('VMW_PSP_FIXED');
  });
});

describe('storage nmp path list', () => {
  it('prints group state, SATP and PSP path config per path', () => {
    const out = ok('storage nmp path list');
    expect(keysOf(out)).toEqual([
      'Runtime Name', 'Device', 'Device Display Name', 'Group State', 'Array Priority', 'Storage Array Type Path Config',
      'Path Selection Policy Path Config',
    ]);
    const recs = parseRecords(out);
    expect(recs.size).toBe(27); // the vVol PE's two paths included
    const byName = (n: string) => [...recs.values()].find((r) => r['Runtime Name'] === n)!;
    const [id] = [...recs.keys()].filter((k) => recs.get(k)!['Runtime Name'] === 'vmhba1:C0:T0:L0');
    expect(id).toBe(host.psa.path('vmhba1:C0:T0:L0')!.uid);
    const ao = byName('vmhba1:C0:T0:L0');
    expect(ao['Device']).toBe(ALUA0);
    expect(ao['Group State']).toBe('active');
    expect(ao['Array Priority']).toBe('0');
    expect(ao['Storage Array Type Path Config']).toBe('{TPG_id=1,TPG_state=AO,RTP_id=1,RTP_health=UP}');
    const current = host.nmp.device(ALUA0)!.workingPaths().map((p) => p.name);
    expect(ao['Path Selection Policy Path Config']).toBe(current.includes('vmhba1:C0:T0:L0') ? '{current path; rank: 0}' : '{non-current path; rank: 0}');
    const ano = byName('vmhba1:C0:T1:L0');
    expect(ano['Group State']).toBe('active unoptimized');
    expect(ano['Storage Array Type Path Config']).toBe('{TPG_id=2,TPG_state=ANO,RTP_id=3,RTP_health=UP}');
    expect(ano['Path Selection Policy Path Config']).toBe('{non-current path; rank: 0}');
    expect(byName('vmhba2:C0:T2:L0')['Group State']).toBe('standby');
    expect(byName('vmhba2:C0:T2:L0')['Storage Array Type Path Config']).toBe('SATP VMW_SATP_DEFAULT_AP does not support path configuration.');
    expect(byName('vmhba1:C0:T3:L0')['Path Selection Policy Path Config']).toMatch(/^\{current: (yes|no); preferred: yes\}$/);
    expect(byName('vmhba2:C0:T3:L0')['Path Selection Policy Path Config']).toBe('{current: no; preferred: no}');
  });

  it('shows dead paths and filters by device and path', () => {
    host.fabrics.find((f) => f.name === 'fabric-b')!.up = false;
    host.nmp.evaluateAll();
    host.settle();
    const rec = parseRecords(ok('storage nmp path list -p vmhba2:C0:T3:L0')).values().next().value!;
    expect(rec['Group State']).toBe('dead');
    ok(`storage nmp device set -d ${AA0} -P VMW_PSP_RR`);
    const aa = parseRecords(ok(`storage nmp path list -d ${AA0}`));
    expect([...aa.values()].map((r) => r['Path Selection Policy Path Config'])).toEqual([
      'PSP VMW_PSP_RR does not support path configuration.', 'PSP VMW_PSP_RR does not support path configuration.',
    ]);
    expect(fail('storage nmp path list -d naa.none')).toBe('Error: Unknown device naa.none');
    expect(fail('storage nmp path list -p vmhba9:C0:T0:L0')).toMatch(/^Error: Unable to find path vmhba9:C0:T0:L0/);
  });
});

describe('storage nmp satp', () => {
  it('lists SATPs and sets a default PSP that devices without an override follow', () => {
    const out = ok('storage nmp satp list');
    expect(out.split('\n')[0]).toMatch(/^Name {17}Default PSP {4}Description$/);
    expect(rows(out)).toContainEqual(['VMW_SATP_ALUA', 'VMW_PSP_MRU', 'Supports non-specific arrays that use the ALUA protocol']);
    const ALUA1 = 'naa.600140500a1a00010000000000000001';
    ok(`storage nmp device set -d ${ALUA1} -P VMW_PSP_FIXED`);
    expect(ok('storage nmp satp set -s VMW_SATP_ALUA -P VMW_PSP_RR')).toBe('Default PSP for VMW_SATP_ALUA is now VMW_PSP_RR');
    expect(rows(ok('storage nmp satp list'))).toContainEqual(['VMW_SATP_ALUA', 'VMW_PSP_RR', 'Supports non-specific arrays that use the ALUA protocol']);
    const recs = parseRecords(ok('storage nmp device list'));
    expect(recs.get(ALUA0)!['Path Selection Policy']).toBe('VMW_PSP_RR');
    expect(recs.get(ALUA1)!['Path Selection Policy']).toBe('VMW_PSP_FIXED');
    expect(recs.get(AP0)!['Path Selection Policy']).toBe('VMW_PSP_MRU');
    ok(`storage nmp device set -d ${ALUA1} --default`);
    expect(host.nmp.device(ALUA1)!.psp.name).toBe('VMW_PSP_RR');
    expect(fail('storage nmp satp set -s VMW_SATP_FOO -P VMW_PSP_RR')).toBe('Error: Unknown SATP VMW_SATP_FOO (see esxcli storage nmp satp list)');
    expect(fail('storage nmp satp set -s VMW_SATP_ALUA --default-psp VMW_PSP_FOO')).toBe('Error: Unknown PSP VMW_PSP_FOO (see esxcli storage nmp psp list)');
    expect(fail('storage nmp satp set -s VMW_SATP_ALUA').split('\n')[0]).toBe('Error: Missing required parameter -P|--default-psp');
  });

  it('adds, lists and removes SATP rules', () => {
    const header = ok('storage nmp satp rule list').split('\n')[0];
    expect(header.split(/ {2,}/)).toEqual([
      'Name', 'Device', 'Vendor', 'Model', 'Driver', 'Transport', 'Options', 'Rule Group', 'Claim Options', 'Default PSP', 'PSP Options', 'Description',
    ]);
    const add = 'storage nmp satp rule add -s VMW_SATP_ALUA -V NEWVEND -M "Model X" -c tpgs_on -P VMW_PSP_RR -O iops=1 -e "New array"';
    expect(ok(add)).toBe('');
    const table = ok('storage nmp satp rule list -s VMW_SATP_ALUA').split('\n');
    const row = table.find((l) => l.includes('NEWVEND'))!;
    const at = (col: string) => row.slice(table[0].indexOf(col)).split(/ {2,}/)[0];
    expect([at('Vendor'), at('Model'), at('Rule Group'), at('Claim Options'), at('Default PSP'), at('PSP Options'), at('Description')]).toEqual([
      'NEWVEND', 'Model X', 'user', 'tpgs_on', 'VMW_PSP_RR', 'iops=1', 'New array',
    ]);
    expect(table.every((l, i) => i < 2 || l.startsWith('VMW_SATP_ALUA'))).toBe(true);
    expect(fail(add)).toBe('Error: Error adding SATP user rule: Duplicate user rule found for SATP VMW_SATP_ALUA');
    expect(ok('storage nmp satp rule remove -s VMW_SATP_ALUA -V NEWVEND -M "Model X" -c tpgs_on')).toBe('');
    expect(ok('storage nmp satp rule list')).not.toContain('NEWVEND');
    expect(fail('storage nmp satp rule remove -s VMW_SATP_ALUA -V NEWVEND -M "Model X" -c tpgs_on')).toBe(
      'Error: Error deleting SATP user rule: rule not found',
    );
  });

  it('validates SATP rule options', () => {
    const first = (line: string) => fail(line).split('\n')[0];
    expect(first('storage nmp satp rule add -V X')).toBe('Error: Missing required parameter -s|--satp');
    expect(first('storage nmp satp rule add -s VMW_SATP_NOPE -V X')).toBe('Error: Unknown SATP VMW_SATP_NOPE (see esxcli storage nmp satp list)');
    expect(first('storage nmp satp rule add -s VMW_SATP_ALUA -e lonely')).toMatch(/^Error: A SATP rule needs at least one of --claim-option/);
    expect(first('storage nmp satp rule add -s VMW_SATP_ALUA -V X -c tpgs_maybe')).toBe('Error: Invalid claim option tpgs_maybe. Valid values are: tpgs_on, tpgs_off');
    expect(first('storage nmp satp rule add -s VMW_SATP_ALUA -V X -D lpfc')).toBe('Error: Vendor/Model rules are mutually exclusive with driver rules');
    expect(first('storage nmp satp rule add -s VMW_SATP_ALUA -V X -P VMW_PSP_NO')).toBe('Error: Unknown PSP VMW_PSP_NO (see esxcli storage nmp psp list)');
    expect(first('storage nmp satp rule add -s VMW_SATP_ALUA -R carrier-pigeon')).toMatch(/^Error: Invalid transport carrier-pigeon/);
    expect(first('storage nmp satp rule list -s VMW_SATP_NOPE')).toBe('Error: Unknown SATP VMW_SATP_NOPE (see esxcli storage nmp satp list)');
    expect(host.nmp.satpRules.userRules()).toEqual([]);
  });
});

describe('storage nmp psp', () => {
  it('lists PSPs', () => {
    const out = ok('storage nmp psp list');
    expect(out.split('\n')[0]).toBe('Name           Description');
    expect(rows(out)).toEqual([
      ['VMW_PSP_FIXED', 'Fixed Path Selection'], ['VMW_PSP_MRU', 'Most Recently Used Path Selection'], ['VMW_PSP_RR', 'Round Robin Path Selection'],
    ]);
  });

  it('fixed deviceconfig sets and gets the preferred path, and the PSP follows it', () => {
    expect(ok(`storage nmp psp fixed deviceconfig get -d ${AA0}`)).toBe('Preferred Path: vmhba1:C0:T3:L0');
    expect(ok(`storage nmp psp fixed deviceconfig set -d ${AA0} -p vmhba2:C0:T3:L0`)).toBe('');
    expect(ok(`storage nmp psp fixed deviceconfig get -d ${AA0}`)).toBe('Preferred Path: vmhba2:C0:T3:L0');
    const d = host.nmp.device(AA0)!;
    expect(d.paths.map((p) => [p.name, p.preferred])).toEqual([['vmhba1:C0:T3:L0', false], ['vmhba2:C0:T3:L0', true]]);
    const io = { op: 'read' as const, lba: 0, blocks: 1, bytes: 512, serial: 1 };
    expect(d.psp.selectPath(io, d.usablePaths(), d.pspView).name).toBe('vmhba2:C0:T3:L0');
    const rec = parseRecords(ok('storage nmp path list -p vmhba2:C0:T3:L0')).values().next().value!;
    expect(rec['Path Selection Policy Path Config']).toMatch(/preferred: yes/);
    ok(`storage nmp psp fixed deviceconfig set -d ${AA0} -p vmhba1:C0:T3:L0`);
    expect(d.paths.map((p) => p.preferred)).toEqual([true, false]);
  });

  it('fixed deviceconfig errors', () => {
    expect(fail(`storage nmp psp fixed deviceconfig set -d ${AA0} -p vmhba1:C0:T0:L0`)).toBe(
      `Error: Unable to set the preferred path for device ${AA0}: vmhba1:C0:T0:L0 is not a path to this device`,
    );
    expect(fail(`storage nmp psp fixed deviceconfig get -d ${ALUA0}`)).toBe(
      `Error: Unable to get the preferred path for device ${ALUA0}: the device is using VMW_PSP_MRU, not VMW_PSP_FIXED`,
    );
    expect(fail(`storage nmp psp fixed deviceconfig set -d ${AA0}`).split('\n')[0]).toBe('Error: You must specify either --path or --default');
    expect(fail('storage nmp psp fixed deviceconfig get -d naa.none')).toBe('Error: Unknown device naa.none');
    expect(fail('storage nmp psp fixed deviceconfig get').split('\n')[0]).toBe('Error: Missing required parameter -d|--device');
  });

  it('roundrobin deviceconfig set then get', () => {
    ok(`storage nmp device set -d ${ALUA0} -P VMW_PSP_RR`);
    const get = () => ok(`storage nmp psp roundrobin deviceconfig get -d ${ALUA0}`);
    expect(get()).toBe(
      [
        '   Byte Limit: 10485760', `   Device: ${ALUA0}`, '   IOOperation Limit: 1000', '   Latency Evaluation Interval: 0 milliseconds',
        '   Limit Type: Default', '   Number Of Sampling IOs Per Path: 0', '   Use Active Unoptimized Paths: false',
      ].join('\n'),
    );
    expect(ok(`storage nmp psp roundrobin deviceconfig set -d ${ALUA0} --type=iops --iops=1 -U true`)).toBe('');
    const d = host.nmp.device(ALUA0)!;
    expect(d.pspConfig).toMatchObject({ limitType: 'iops', iops: 1, useANO: true });
    expect(get()).toContain('   IOOperation Limit: 1\n');
    expect(get()).toContain('   Limit Type: Iops\n');
    expect(get()).toContain('   Use Active Unoptimized Paths: true');
    expect(d.psp.describe!(d.pspView)).toMatch(/^\{policy=iops,iops=1,bytes=10485760,useANO=1;/);
    ok(`storage nmp psp roundrobin deviceconfig set -d ${ALUA0} -t bytes -B 65536`);
    expect(get()).toContain('   Byte Limit: 65536\n');
    expect(get()).toContain('   Limit Type: Bytes\n');
    ok(`storage nmp psp roundrobin deviceconfig set -d ${ALUA0} -t latency`);
    expect(get()).toContain('   Latency Evaluation Interval: 180000 milliseconds\n');
    expect(get()).toContain('   Number Of Sampling IOs Per Path: 16\n');
    ok(`storage nmp psp roundrobin deviceconfig set -d ${ALUA0} -T 30000 -S 32 -U false`);
    expect(d.pspConfig).toMatchObject({ limitType: 'latency', latencyEvalTimeMs: 30000, samplingCycles: 32, useANO: false });
    expect(get()).toContain('   Latency Evaluation Interval: 30000 milliseconds\n');
    expect(get()).toContain('   Limit Type: Latency\n');
    expect(d.psp.describe!(d.pspView)).toMatch(/^\{policy=latency,latencyEvalTime=30000,samplingCycles=32,/);
    ok(`storage nmp psp roundrobin deviceconfig set -d ${ALUA0} -I 5`); // a limit alone selects its type
    expect(d.pspConfig.limitType).toBe('iops');
  });

  it('roundrobin deviceconfig errors', () => {
    expect(fail(`storage nmp psp roundrobin deviceconfig get -d ${AA0}`)).toBe(
      `Error: Unable to get the Round Robin configuration for device ${AA0}: the device is using VMW_PSP_FIXED, not VMW_PSP_RR`,
    );
    expect(fail(`storage nmp psp roundrobin deviceconfig set -d ${AA0} -t iops -I 1`)).toBe(
      `Error: Unable to set the Round Robin configuration for device ${AA0}: the device is using VMW_PSP_FIXED, not VMW_PSP_RR`,
    );
    ok(`storage nmp device set -d ${AA0} -P VMW_PSP_RR`);
    const first = (line: string) => fail(line).split('\n')[0];
    expect(first(`storage nmp psp roundrobin deviceconfig set -d ${AA0} -t sometimes`)).toBe(
      'Error: Invalid type sometimes. Valid values for type are: default, iops, bytes, latency',
    );
    expect(first(`storage nmp psp roundrobin deviceconfig set -d ${AA0} -t iops -I 0`)).toBe('Error: Invalid value 0 for --iops: it must be a positive integer');
    expect(first(`storage nmp psp roundrobin deviceconfig set -d ${AA0}`)).toMatch(/^Error: Nothing to set/);
    expect(host.nmp.device(AA0)!.pspConfig).toEqual({});
    expect(fail('storage nmp psp roundrobin deviceconfig get -d naa.none')).toBe('Error: Unknown device naa.none');
  });
});

describe('robustness', () => {
  it('never throws, whatever the words', () => {
    const lines = ['', '--', '-', 'storage --x', 'storage core path list -p', 'storage nmp psp fixed deviceconfig set -d "" -p ""', '= = ='];
    for (const line of lines) expect(() => run(line)).not.toThrow();
    expect(ok('').split('\n')[0]).toBe('Usage: esxcli {cmd} [cmd options]');
  });
});

describe('working paths follow the PSP settings at once', () => {
  it('a new Fixed preferred path is the working path before any I/O', () => {
    const before = ok(`storage nmp device list -d ${AA0}`);
    expect(before).toMatch(/Working Paths: vmhba1:C0:T3:L0/);
    ok(`storage nmp psp fixed deviceconfig set -d ${AA0} -p vmhba2:C0:T3:L0`);
    expect(ok(`storage nmp device list -d ${AA0}`)).toMatch(/Working Paths: vmhba2:C0:T3:L0/);
  });
});
