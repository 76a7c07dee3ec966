// Fault injection and repair, in the lab-script language:
//   fault link vmhba1            pull the adapter's cable        (repair link vmhba1)
//   fault adapter vmhba1         the adapter fails
//   fault port WWPN              a target port goes down
//   fault sp ARRAY SP            a storage processor fails
//   fault array ARRAY            the whole array fails
//   fault lun ARRAY LUN          the LUN is lost for good (PDL: 05/25/00 on every path)
//   fault latency FABRIC|ARRAY DURATION   a latency spike (one-way on a fabric, service time on an array)
//   fault flap vmhba1 PERIOD     the adapter's link goes down and up every PERIOD
//   fault alua ARRAY LUN SP ao|ano|standby|unavailable   the array changes an ALUA state itself
// Connectivity changes reach the host at once (the fabric's RSCN), so NMP re-checks its paths.

import { AccessState } from '../arrays/alua';
import type { Host } from '../host';
import type { TimerTarget } from './clock';
import { parseDuration } from './duration';

export class FaultError extends Error {}

/** Faster flapping would be unbounded work (every toggle re-checks every path) and no lesson. */
const MIN_FLAP_US = 100_000;

const ALUA_STATES: Record<string, number> = {
  ao: AccessState.ACTIVE_OPTIMIZED,
  ano: AccessState.ACTIVE_NON_OPTIMIZED,
  standby: AccessState.STANDBY,
  unavailable: AccessState.UNAVAILABLE,
};

export const FAULT_USAGE = `fault|repair link ADAPTER | adapter ADAPTER | port WWPN | sp ARRAY SP | array ARRAY | lun ARRAY LUN
fault latency FABRIC|ARRAY DURATION   (repair latency FABRIC|ARRAY)
fault flap ADAPTER PERIOD             (repair flap ADAPTER)
fault alua ARRAY LUN SP ao|ano|standby|unavailable`;

/** A flapping link: toggles its adapter's link every half period until repaired. */
class Flap implements TimerTarget {
  active = true;

  constructor(
    private readonly host: Host,
    private readonly adapter: string,
    private readonly halfPeriodUs: number,
  ) {
    host.clock.after(halfPeriodUs, this);
  }

  stop(): void {
    this.active = false;
  }

  onTimer(): void {
    if (!this.active) return;
    const adapter = this.host.adapter(this.adapter)!;
    adapter.linkUp = !adapter.linkUp;
    this.host.log(`fabric: ${this.adapter} link ${adapter.linkUp ? 'up' : 'down'} (flapping)`);
    this.host.psa.notifyPathsChanged();
    this.host.clock.after(this.halfPeriodUs, this);
  }
}

export class FaultInjector {
  private readonly flaps = new Map<string, Flap>();

  constructor(private readonly host: Host) {}

  /** Applies `fault ...` (repair=false) or `repair ...` (repair=true); returns what happened. */
  apply(words: string[], repair: boolean): string {
    const [kind, ...args] = words;
    const need = (n: number, what: string) => {
      if (args.length !== n) throw new FaultError(`${repair ? 'repair' : 'fault'} ${kind} needs ${what}`);
    };
    const host = this.host;
    const down = !repair;
    let message: string;
    switch (kind) {
      case 'link': {
        need(1, 'an adapter');
        const adapter = this.adapter(args[0]);
        // A steady state wins over flapping: a pulled or repaired cable stops the flap.
        this.flaps.get(adapter.name)?.stop();
        this.flaps.delete(adapter.name);
        adapter.linkUp = !down;
        message = `${args[0]} link ${down ? 'down' : 'up'}`;
        break;
      }
      case 'adapter': {
        need(1, 'an adapter');
        this.adapter(args[0]).up = !down;
        message = `${args[0]} ${down ? 'failed' : 'repaired'}`;
        break;
      }
      case 'port': {
        need(1, 'a target port WWPN');
        const wwpn = args[0].toLowerCase();
        const array = host.arrays.find((a) => a.portByName(wwpn));
        if (!array) throw new FaultError(`no target port ${args[0]}`);
        array.setPortUp(array.portByName(wwpn)!, !down);
        message = `target port ${wwpn} (${array.name}) ${down ? 'down' : 'up'}`;
        break;
      }
      case 'sp': {
        need(2, 'an array and an SP');
        const array = this.array(args[0]);
        const sp = array.sps.find((s) => s.name.toLowerCase() === args[1].toLowerCase());
        if (!sp) throw new FaultError(`array ${array.name} has no SP ${args[1]}; its SPs: ${array.sps.map((s) => s.name).join(', ')}`);
        array.setSpUp(sp, !down);
        message = `${array.name} ${sp.name} ${down ? 'failed' : 'repaired'}`;
        break;
      }
      case 'array': {
        need(1, 'an array');
        this.array(args[0]).up = !down;
        message = `array ${args[0]} ${down ? 'failed' : 'repaired'}`;
        break;
      }
      case 'lun': {
        need(2, 'an array and a LUN number');
        const array = this.array(args[0]);
        const lun = array.luns.find((l) => l.number === Number(args[1]));
        if (!lun || !/^\d+$/.test(args[1])) throw new FaultError(`array ${array.name} has no LUN ${args[1]}`);
        array.setLunLost(lun, down);
        message = `${array.name} LUN ${lun.number} ${down ? 'lost (PDL)' : 'restored'}`;
        return this.done(message, false);
      }
      case 'latency': {
        if (down) need(2, 'a fabric or array and a duration');
        else need(1, 'a fabric or array');
        const us = down ? this.duration(args[1]) : 0;
        // A fabric is one switch whichever host looks at it: every host's view of it slows down.
        const fabrics = host.hosts().flatMap((h) => h.fabrics.filter((f) => f.name === args[0]));
        if (fabrics.length > 0) for (const fabric of fabrics) fabric.extraLatencyUs = us;
        else this.array(args[0]).extraServiceUs = us;
        message = down ? `${args[0]}: ${args[1]} of extra latency` : `${args[0]}: latency back to normal`;
        return this.done(message, false);
      }
      case 'flap': {
        if (down) {
          need(2, 'an adapter and a period');
          const adapter = this.adapter(args[0]);
          const period = this.duration(args[1]);
          if (period < MIN_FLAP_US) throw new FaultError(`flap period ${args[1]} is too short: at least 100ms`);
          this.flaps.get(adapter.name)?.stop();
          this.flaps.set(adapter.name, new Flap(host, adapter.name, period / 2));
          message = `${adapter.name} link flapping every ${args[1]}`;
        } else {
          need(1, 'an adapter');
          const adapter = this.adapter(args[0]);
          this.flaps.get(adapter.name)?.stop();
          this.flaps.delete(adapter.name);
          adapter.linkUp = true;
          message = `${adapter.name} link steady and up`;
        }
        break;
      }
      case 'alua': {
        if (repair) throw new FaultError('an ALUA change is not repaired: change the state again with fault alua');
        need(4, 'an array, a LUN, an SP and a state');
        const array = this.array(args[0]);
        const lun = array.lun(Number(args[1]));
        if (!lun) throw new FaultError(`array ${array.name} has no LUN ${args[1]}`);
        const sp = array.sps.find((s) => s.name.toLowerCase() === args[2].toLowerCase());
        if (!sp) throw new FaultError(`array ${array.name} has no SP ${args[2]}`);
        const state = ALUA_STATES[args[3].toLowerCase()];
        if (state === undefined) throw new FaultError(`unknown ALUA state ${args[3]}: use ao, ano, standby or unavailable`);
        try {
          array.changeAccessState(lun, sp.index, state);
        } catch (e) {
          throw new FaultError((e as Error).message);
        }
        return this.done(`${array.name} LUN ${lun.number}: ${sp.name} group -> ${args[3].toUpperCase()}`, false);
      }
      default:
        throw new FaultError(`unknown fault ${kind ?? ''}\n${FAULT_USAGE}`);
    }
    return this.done(message, true);
  }

  private done(message: string, connectivity: boolean): string {
    this.host.log(`fault: ${message}`);
    // The fabric's RSCN reaches every host logged in to it, the peers that share the arrays too.
    if (connectivity) for (const h of this.host.hosts()) if (h.up) h.psa.notifyPathsChanged();
    return message;
  }

  private adapter(name: string) {
    const adapter = this.host.adapter(name);
    if (!adapter) throw new FaultError(`no adapter ${name}; adapters: ${this.host.adapters.map((a) => a.name).join(', ')}`);
    return adapter;
  }

  private array(name: string) {
    const array = this.host.array(name);
    if (!array) throw new FaultError(`no array ${name}; arrays: ${this.host.arrays.map((a) => a.name).join(', ')}`);
    return array;
  }

  private duration(text: string): number {
    try {
      return parseDuration(text);
    } catch (e) {
      throw new FaultError((e as Error).message);
    }
  }
}
