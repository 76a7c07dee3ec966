// VMW_SATP_LOCAL: directly attached disks (SAS, SATA, USB, NVMe behind a SCSI layer). They behave
// like a one-controller active/active array: the same path checks and the same error decisions.

import type { SatpModule } from '../../plugin-api';
import { activeActiveError, activeActiveState } from './default-aa';
import { turCheck } from './probe';

const local: SatpModule = {
  name: 'VMW_SATP_LOCAL',
  description: 'Supports direct attached devices',
  defaultPsp: 'VMW_PSP_FIXED',
  onError: (_io, _path, outcome) => activeActiveError(outcome),
  checkPaths: (device, done) => turCheck(device, activeActiveState, done),
};

export default local;
