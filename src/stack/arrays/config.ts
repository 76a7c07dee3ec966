// What a scenario says about one storage array. Names follow the field: storage processors (SPs)
// carry target ports; ALUA arrays group each SP's ports in a target port group (TPG).

import type { Personality } from '../api';
import type { VasaConfig } from './vvol-config';

export type CacheMode = 'write-through' | 'write-back';

/**
 * How a LUN's capacity is provisioned (SBC-3 4.7): 'thick' is fully provisioned (every block is
 * backed; no UNMAP), 'thin' is thin provisioned (blocks are backed when written and given back by
 * UNMAP or WRITE SAME with UNMAP, reading zeros afterwards). The LUN advertises it in READ CAPACITY
 * (16) LBPME/LBPRZ and VPD 0xB2, which is what hosts show as thin provisioning and VAAI Delete.
 */
export type Provisioning = 'thick' | 'thin';

export interface ServiceTimeModel {
  /** Fixed cost of any command, in microseconds. */
  fixedUs: number;
  /** Cost per KiB moved, in microseconds. */
  perKiBUs: number;
  /** Uniform jitter added on top, from the array's seeded generator, in microseconds. */
  jitterUs: number;
}

export interface TargetPortConfig {
  /** WWPN-style name, e.g. "50:06:01:60:3e:a0:12:34". */
  wwpn: string;
}

export interface StorageProcessorConfig {
  name: string; // "SPA"
  ports: TargetPortConfig[];
}

export interface LunConfig {
  lun: number;
  /** Capacity in logical blocks. */
  blocks: number;
  blockSize: 512 | 4096;
  cacheMode?: CacheMode;
  /** Thin or thick (fully) provisioned. Default 'thick'. */
  provisioning?: Provisioning;
  /** Active/passive and ALUA: the SP that owns the LUN at power-on (index into sps). */
  owner?: number;
}

export interface ArrayConfig {
  name: string;
  personality: Personality;
  vendor: string; // at most 8 ASCII characters
  product: string; // at most 16
  revision: string; // at most 4
  /** IEEE OUI placed in the NAA 6 identifiers of the LUNs. */
  oui: number;
  /** Array serial number: the vendor-specific part of the NAA identifiers. */
  serial: number;
  sps: StorageProcessorConfig[];
  luns: LunConfig[];
  serviceTime: ServiceTimeModel;
  /** ALUA: which transitions the array supports (INQUIRY TPGS). Default 'both'. */
  alua?: 'implicit' | 'explicit' | 'both';
  /** ALUA: microseconds an asymmetric access state transition takes. Default 200 ms. */
  transitionUs?: number;
  /** ALUA: the array moves a LUN to the other SP after this many consecutive I/Os through its
   * non-optimized ports (implicit follow-over). 0 disables. Default 0. */
  implicitFollowIo?: number;
  /** Active/passive: I/O through a passive port trespasses the LUN instead of failing. Default false. */
  autoTrespass?: boolean;
  /** Sense data format the LUNs report (the control mode page's D_SENSE). Default fixed. */
  descriptorSense?: boolean;
  /** 'none': VPD 0x83 carries no LU designator (like many local disks), so hosts name the device
   * mpx.<runtime name>. Default 'naa'. */
  identifiers?: 'naa' | 'none';
  /** Virtual volumes: the array's VASA provider, protocol endpoints and storage containers (vvol-config.ts). */
  vasa?: VasaConfig;
}
