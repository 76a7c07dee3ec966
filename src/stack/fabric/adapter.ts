// A host bus adapter (vmhbaN): its identity, its link, its queue (AQLEN) and the target numbers it
// gives the target ports it finds. Target numbers belong to the host: first seen, first numbered,
// kept across rescans while the port stays visible (that is why "T" in a runtime name may change).

import type { AdapterConfig, Transport } from '../scenario/types';

export class HostAdapter {
  readonly name: string;
  readonly transport: Transport;
  readonly driver: string;
  readonly queueDepth: number;
  readonly wwpn: string;
  readonly wwnn: string;
  readonly description: string;
  /** The adapter itself works (adapter failure sets this false). */
  up = true;
  /** The cable between the adapter and its fabric. */
  linkUp = true;
  /** Commands issued to targets and not yet completed (ACTV at the adapter). */
  outstanding = 0;
  private readonly targetNumbers = new Map<string, number>();

  constructor(config: AdapterConfig) {
    this.name = config.name;
    this.transport = config.transport;
    this.driver = config.driver;
    this.queueDepth = config.queueDepth;
    this.wwpn = config.wwpn ?? '';
    this.wwnn = config.wwnn ?? '';
    this.description = config.description ?? '';
  }

  get usable(): boolean {
    return this.up && this.linkUp;
  }

  /** Adapter number: 1 for vmhba1. */
  get number(): number {
    return Number(this.name.slice(5));
  }

  /** The host's target number for a target port, assigned on first sight. */
  targetNumber(wwpn: string): number {
    let n = this.targetNumbers.get(wwpn);
    if (n === undefined) this.targetNumbers.set(wwpn, (n = this.targetNumbers.size));
    return n;
  }

  /** esxcli's adapter UID: fc.<WWNN>:<WWPN> for Fibre Channel, <transport>.<name> otherwise. */
  get uid(): string {
    if (this.transport === 'fc') return `fc.${this.wwnn.replace(/:/g, '')}:${this.wwpn.replace(/:/g, '')}`;
    return `${this.transport}.${this.name}`;
  }
}
