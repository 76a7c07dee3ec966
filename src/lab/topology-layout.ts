// A deterministic column layout of the topology: host, adapters, fabrics, then each array as a box
// of SPs with their ports, and the array's LUNs to its right. Pure: snapshot in, coordinates out.
import type { LabSnapshot, PathSnapshot } from '../stack/workbench/snapshot';

export const COL = { host: 10, adapter: 100, fabric: 240, array: 400, lun: 660 };
export const NODE_W = { adapter: 90, fabric: 100, array: 190, lun: 200 };
const PORT_H = 20;
const SP_HEAD = 22;
const ARRAY_HEAD = 24;
const LUN_H = 30;
const GAP = 16;

export interface Box { x: number; y: number; w: number; h: number }
export interface PortNode extends Box { wwpn: string; up: boolean; array: string; sp: string }
export interface SpNode extends Box { name: string; array: string; up: boolean }
export interface ArrayNode extends Box { name: string; personality: string; up: boolean }
export interface LunNode extends Box { array: string; lun: number; device: string | undefined; lost: boolean; owner: string; paths: PathSnapshot[] }

export interface Layout {
  width: number;
  height: number;
  host: Box;
  adapters: (Box & { name: string; up: boolean; linkUp: boolean })[];
  fabrics: (Box & { name: string; up: boolean; adapters: string[]; targets: string[]; latencyUs: number; extraLatencyUs: number })[];
  arrays: ArrayNode[];
  sps: SpNode[];
  ports: PortNode[];
  luns: LunNode[];
}

export function layout(s: LabSnapshot): Layout {
  const arrays: ArrayNode[] = [];
  const sps: SpNode[] = [];
  const ports: PortNode[] = [];
  const luns: LunNode[] = [];
  // Each LUN's paths, grouped in one pass: a large lab has a thousand paths and hundreds of LUNs.
  const pathsOf = new Map<string, PathSnapshot[]>();
  for (const p of s.paths) {
    const key = `${p.array}/${p.lun}`;
    const list = pathsOf.get(key);
    if (list) list.push(p);
    else pathsOf.set(key, [p]);
  }
  let y = 10;
  for (const a of s.topology.arrays) {
    const top = y;
    let spY = top + ARRAY_HEAD;
    for (const sp of a.sps) {
      const h = SP_HEAD + sp.ports.length * PORT_H + 4;
      sps.push({ name: sp.name, array: a.name, up: sp.up, x: COL.array + 10, y: spY, w: NODE_W.array - 20, h });
      sp.ports.forEach((p, i) => {
        ports.push({ wwpn: p.wwpn, up: p.up, array: a.name, sp: sp.name, x: COL.array + 10, y: spY + SP_HEAD + i * PORT_H, w: NODE_W.array - 20, h: PORT_H });
      });
      spY += h + 6;
    }
    const lunsH = a.luns.length * LUN_H;
    const h = Math.max(spY - top, lunsH + ARRAY_HEAD);
    arrays.push({ name: a.name, personality: a.personality, up: a.up, x: COL.array, y: top, w: NODE_W.array, h });
    const lunTop = top + (h - lunsH) / 2;
    a.luns.forEach((l, i) => {
      const paths = pathsOf.get(`${a.name}/${l.lun}`) ?? [];
      luns.push({ array: a.name, lun: l.lun, lost: l.lost, owner: l.owner, device: paths.find((p) => p.device)?.device, paths, x: COL.lun, y: lunTop + i * LUN_H + 3, w: NODE_W.lun, h: LUN_H - 6 });
    });
    y = top + h + GAP;
  }
  const height = Math.max(y, 120);
  // Fabrics evenly spread; each adapter level with its fabric, so the links stay straight.
  const fabrics = s.topology.fabrics.map((f, i) => ({ ...f, x: COL.fabric, y: ((i + 0.5) * height) / s.topology.fabrics.length - 18, w: NODE_W.fabric, h: 36 }));
  const adapters = s.topology.adapters.map((a, i) => {
    const mine = fabrics.filter((f) => f.adapters.includes(a.name));
    const y = mine.length === 1 && mine[0].adapters.length === 1 ? mine[0].y : ((i + 0.5) * height) / s.topology.adapters.length - 18;
    return { ...a, x: COL.adapter, y, w: NODE_W.adapter, h: 36 };
  });
  return { width: COL.lun + NODE_W.lun + 10, height, host: { x: COL.host, y: height / 2 - 30, w: 70, h: 60 }, adapters, fabrics, arrays, sps, ports, luns };
}

/** The colour of a path line by its state (masked paths first: MASK_PATH owns them). */
export function pathColour(p: PathSnapshot): string {
  if (p.masked) return '#8250df';
  return { active: '#1a7f37', standby: '#bf8700', dead: '#cf222e', disabled: '#6e7781' }[p.state as string] ?? '#6e7781';
}

export const shortWwpn = (wwpn: string): string => wwpn.split(':').slice(-4).join(':');
