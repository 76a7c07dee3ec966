// Names of sense keys and the additional sense codes PathLab's arrays report, worded as
// sg3-utils prints them, so what a learner reads here matches sg_decode_sense.

const senseKeys = [
  'No Sense', 'Recovered Error', 'Not Ready', 'Medium Error', 'Hardware Error', 'Illegal Request',
  'Unit Attention', 'Data Protect', 'Blank Check', 'Vendor specific', 'Copy Aborted', 'Aborted Command',
  'Equal', 'Volume Overflow', 'Miscompare', 'Completed',
];

const additional: Record<string, string> = {
  '00/00': 'No additional sense information',
  '04/03': 'Logical unit not ready, manual intervention required',
  '04/0a': 'Logical unit not accessible, asymmetric access state transition',
  '04/0b': 'Logical unit not accessible, target port in standby state',
  '04/0c': 'Logical unit not accessible, target port in unavailable state',
  '0d/02': 'Copy target device not reachable',
  '11/00': 'Unrecovered read error',
  '1a/00': 'Parameter list length error',
  '1d/00': 'Miscompare during verify operation',
  '20/00': 'Invalid command operation code',
  '21/00': 'Logical block address out of range',
  '24/00': 'Invalid field in cdb',
  '25/00': 'Logical unit not supported',
  '26/00': 'Invalid field in parameter list',
  '26/06': 'Too many target descriptors',
  '26/07': 'Unsupported target descriptor type code',
  '26/08': 'Too many segment descriptors',
  '26/09': 'Unsupported segment descriptor type code',
  '26/0a': 'Unexpected inexact segment',
  '26/0b': 'Inline data length exceeded',
  '27/07': 'Space allocation failed write protect',
  '29/00': 'Power on, reset, or bus device reset occurred',
  '2a/06': 'Asymmetric access state changed',
  '39/00': 'Saving parameters not supported',
  '3f/0e': 'Reported luns data has changed',
};

export function senseKeyName(key: number): string {
  return senseKeys[key & 0x0f];
}

export function additionalSenseText(asc: number, ascq: number): string {
  const code = `${asc.toString(16).padStart(2, '0')}/${ascq.toString(16).padStart(2, '0')}`;
  return additional[code] ?? `ASC=0x${code.slice(0, 2)}, ASCQ=0x${code.slice(3)}`;
}
