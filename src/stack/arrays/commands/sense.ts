// TEST UNIT READY and REQUEST SENSE. With autosense, REQUEST SENSE mostly reports "no sense";
// it is how a host collects a pending unit attention without failing a real command.

import { FLAG_DESC } from '../../../../asm/cdb/layout';
import { SenseKey } from '../../scsi/status';
import type { Exchange } from '../exchange';
import type { StorageArray } from '../storage-array';

export function testUnitReady(x: Exchange): void {
  x.good();
}

export function requestSense(x: Exchange, array: StorageArray): void {
  const descriptor = x.has(FLAG_DESC);
  let sense: Uint8Array;
  if (!x.lun) {
    // SPC-4: a REQUEST SENSE to a LUN that is not there succeeds and reports LOGICAL UNIT NOT SUPPORTED.
    sense = x.buildSense(SenseKey.ILLEGAL_REQUEST, 0x25, 0x00, descriptor);
  } else {
    const ua = x.lun.takeAttention(array.nexus(x));
    sense = ua
      ? x.buildSense(SenseKey.UNIT_ATTENTION, ua.asc, ua.ascq, descriptor)
      : x.buildSense(SenseKey.NO_SENSE, 0x00, 0x00, descriptor);
  }
  x.dataIn(sense, x.length);
}
