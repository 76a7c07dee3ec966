// asm/sgcopy/layout.ts
var SG_ENTRY_SIZE = 8;
var SG_ADDR = 0;
var SG_LEN = 4;
var JOB_SIZE = 32;
var JOB_DIR = 0;
var JOB_SGL = 4;
var JOB_NSEG = 8;
var JOB_EXTENTS = 12;
var JOB_OFFSET = 16;
var JOB_BYTES = 20;
var JOB_EXTENT_SIZE = 24;
var JOB_DONE = 28;
var DIR_TO_SGL = 0;
var DIR_FROM_SGL = 1;

// asm/cdb/layout.ts
var CDB_SLOT_SIZE = 64;
var CDB_MAX_SLOTS = 1024;
var SLOT_OPCODE = 0;
var SLOT_SA = 1;
var SLOT_CDB_LEN = 2;
var SLOT_RESULT = 3;
var SLOT_FIELD_PTR = 4;
var SLOT_BIT_PTR = 6;
var SLOT_PROTECT = 7;
var SLOT_FLAGS = 8;
var SLOT_LBA_LO = 16;
var SLOT_LBA_HI = 20;
var SLOT_LENGTH = 24;
var SLOT_PAGE = 28;
var SLOT_SUBPAGE = 29;
var SLOT_PARAM = 30;
var SLOT_GROUP = 31;
var SLOT_CONTROL = 32;
var SLOT_CDB = 48;
var RESULT_OK = 0;
var RESULT_BAD_OPCODE = 1;
var RESULT_BAD_FIELD = 2;
var NO_BIT_PTR = 255;
var FLAG_EVPD = 1;
var FLAG_DESC = 2;
var FLAG_DPO = 4;
var FLAG_FUA = 8;
var FLAG_IMMED = 16;
var FLAG_DBD = 32;
var FLAG_LLBAA = 64;
var FLAG_PMI = 128;
var FLAG_START = 256;
var FLAG_LOEJ = 512;
var OP_TEST_UNIT_READY = 0;
var OP_REQUEST_SENSE = 3;
var OP_START_STOP_UNIT = 27;
var OP_INQUIRY = 18;
var OP_MODE_SENSE_6 = 26;
var OP_READ_CAPACITY_10 = 37;
var OP_READ_10 = 40;
var OP_WRITE_10 = 42;
var OP_SYNCHRONIZE_CACHE_10 = 53;
var OP_MODE_SENSE_10 = 90;
var OP_READ_16 = 136;
var OP_WRITE_16 = 138;
var OP_SERVICE_ACTION_IN_16 = 158;
var SA_READ_CAPACITY_16 = 16;
var OP_REPORT_LUNS = 160;
var OP_MAINTENANCE_IN = 163;
var SA_REPORT_TARGET_PORT_GROUPS = 10;
var OP_MAINTENANCE_OUT = 164;
var SA_SET_TARGET_PORT_GROUPS = 10;
var SENSE_SLOT_SIZE = 64;
var SENSE_MAX_SLOTS = 64;
var SENSE_RESPONSE = 0;
var SENSE_KEY = 1;
var SENSE_ASC = 2;
var SENSE_ASCQ = 3;
var SENSE_INFO_VALID = 4;
var SENSE_SKS_VALID = 5;
var SENSE_CD = 6;
var SENSE_BIT_PTR = 7;
var SENSE_FIELD_PTR = 8;
var SENSE_LEN = 10;
var SENSE_RESULT = 11;
var SENSE_INFO_LO = 12;
var SENSE_INFO_HI = 16;
var SENSE_OUT = 24;
var SENSE_OUT_MAX = 40;

// src/stack/scsi/status.ts
var Status = {
  GOOD: 0,
  CHECK_CONDITION: 2,
  CONDITION_MET: 4,
  BUSY: 8,
  RESERVATION_CONFLICT: 24,
  TASK_SET_FULL: 40,
  ACA_ACTIVE: 48,
  TASK_ABORTED: 64
};
var HostStatus = {
  OK: 0,
  NO_CONNECT: 1,
  BUS_BUSY: 2,
  TIMEOUT: 3,
  BAD_TARGET: 4,
  ABORT: 5,
  ERROR: 7,
  RESET: 8
};
var SenseKey = {
  NO_SENSE: 0,
  RECOVERED_ERROR: 1,
  NOT_READY: 2,
  MEDIUM_ERROR: 3,
  HARDWARE_ERROR: 4,
  ILLEGAL_REQUEST: 5,
  UNIT_ATTENTION: 6,
  DATA_PROTECT: 7,
  ABORTED_COMMAND: 11,
  MISCOMPARE: 14
};

// src/stack/sim/random.ts
var SeededRandom = class _SeededRandom {
  state;
  constructor(seed) {
    this.state = seed >>> 0;
  }
  /** A uniform integer in [0, 2^32). */
  nextU32() {
    let t = this.state = this.state + 1831565813 >>> 0;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return (t ^ t >>> 14) >>> 0;
  }
  /** A uniform float in [0, 1). */
  next() {
    return this.nextU32() / 4294967296;
  }
  /** A uniform integer in [0, n). */
  below(n) {
    return Math.floor(this.next() * n);
  }
  /** A child generator whose sequence depends only on this one's seed and the label. */
  fork(label) {
    let h = this.state ^ 2654435769;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619) >>> 0;
    return new _SeededRandom(h);
  }
};

// src/stack/blockstore/block-store.ts
var EXTENT_SIZE = 32 * 1024;

// src/stack/arrays/commands/inquiry.ts
var NO_LUN = 127;
var SUPPORTED_VPD = [0, 128, 131, 176, 178];
var MAX_TRANSFER_BYTES = 8 * 1024 * 1024;
function inquiry(x, array) {
  const data = x.has(FLAG_EVPD) ? vpdPage(x, array) : standardInquiry(array, x.lun);
  if (data) x.dataIn(data, x.length);
}
function ascii(target, at2, width, text) {
  for (let i = 0; i < width; i++) target[at2 + i] = i < text.length ? text.charCodeAt(i) & 127 : 32;
}
function standardInquiry(array, lun) {
  const d = new Uint8Array(96);
  d[0] = lun ? 0 : NO_LUN;
  d[2] = 6;
  d[3] = 18;
  d[4] = d.length - 5;
  d[5] = array.tpgsBits << 4;
  d[6] = 16;
  d[7] = 2;
  ascii(d, 8, 8, array.config.vendor);
  ascii(d, 16, 16, array.config.product);
  ascii(d, 32, 4, array.config.revision);
  const dv = new DataView(d.buffer);
  dv.setUint16(58, 192);
  dv.setUint16(60, 1120);
  dv.setUint16(62, 1216);
  dv.setUint16(64, 2624);
  return d;
}
function vpdPage(x, array) {
  const lun = x.lun;
  if (!lun) return new Uint8Array([NO_LUN, x.page, 0, 0]);
  switch (x.page) {
    case 0:
      return page(0, Uint8Array.from(SUPPORTED_VPD));
    case 128:
      return page(128, new TextEncoder().encode(lun.serial));
    case 131:
      return page(131, deviceIdentification(x, array, lun));
    case 176:
      return page(176, blockLimits(lun));
    case 178:
      return page(178, new Uint8Array(4));
    // no UNMAP or WRITE SAME yet: nothing to advertise
    default:
      x.invalidField(2);
      return void 0;
  }
}
function page(code, body) {
  const d = new Uint8Array(4 + body.length);
  d[1] = code;
  new DataView(d.buffer).setUint16(2, body.length);
  d.set(body, 4);
  return d;
}
function deviceIdentification(x, array, lun) {
  const out = [];
  const descriptor = (codeSet, piv_assoc_type, value) => {
    out.push(codeSet, piv_assoc_type, 0, value.length, ...Array.from(value));
  };
  if ((array.config.identifiers ?? "naa") === "naa") {
    descriptor(1, 3, lun.naa);
    const t10 = new Uint8Array(8 + lun.serial.length);
    ascii(t10, 0, 8, array.config.vendor);
    ascii(t10, 8, lun.serial.length, lun.serial);
    descriptor(2, 1, t10);
  }
  descriptor(1, 147, wwpnBytes(x.port.wwpn));
  descriptor(1, 148, [0, 0, x.port.relativeId >> 8, x.port.relativeId & 255]);
  if (array.tpgsBits !== 0) {
    const g = x.port.sp.groupId;
    descriptor(1, 149, [0, 0, g >> 8, g & 255]);
  }
  return Uint8Array.from(out);
}
function blockLimits(lun) {
  const b = new Uint8Array(60);
  const dv = new DataView(b.buffer);
  dv.setUint16(2, 1);
  dv.setUint32(4, MAX_TRANSFER_BYTES / lun.blockSize);
  dv.setUint32(8, 256 * 1024 / lun.blockSize);
  return b;
}
function wwpnBytes(wwpn) {
  const digits = wwpn.replace(/:/g, "");
  const b = new Uint8Array(8);
  for (let i = 0; i < 8; i++) b[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16) || 0;
  return b;
}

// src/stack/arrays/commands/block-io.ts
var MAX_EXTENTS_PER_COMMAND = MAX_TRANSFER_BYTES / EXTENT_SIZE + 2;
function readWrite(x, array, lun) {
  const isWrite = x.opcode === OP_WRITE_10 || x.opcode === 138;
  if (x.protect !== 0) return x.invalidField(1, 7);
  if (x.lba + x.length > lun.blocks) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 33, 0);
  if (x.length * lun.blockSize > MAX_TRANSFER_BYTES) {
    return x.invalidField(x.opcode === OP_READ_10 || x.opcode === OP_WRITE_10 ? 7 : 10);
  }
  const bytes = x.length * lun.blockSize;
  if (bytes === 0) return x.good();
  if (isWrite && x.cmd.dataLength < bytes) {
    x.cmd.hostStatus = HostStatus.ERROR;
    return x.good();
  }
  transfer(x, array, lun, isWrite, bytes);
}
function transfer(x, array, lun, isWrite, bytes) {
  const start = x.lba * lun.blockSize;
  const first = Math.floor(start / EXTENT_SIZE);
  const count = Math.floor((start + bytes - 1) / EXTENT_SIZE) - first + 1;
  const pending = lun.volume.map(first, count, isWrite, array.scratch.extents);
  if (pending) {
    pending.then(
      () => transfer(x, array, lun, isWrite, bytes),
      () => x.checkCondition(SenseKey.MEDIUM_ERROR, 17, 0)
      // unrecovered read error
    );
    return;
  }
  const dv = array.arena.dv;
  const job = array.scratch.job;
  dv.setUint32(job + JOB_DIR, isWrite ? DIR_FROM_SGL : DIR_TO_SGL, true);
  dv.setUint32(job + JOB_SGL, x.cmd.sgl, true);
  dv.setUint32(job + JOB_NSEG, x.cmd.nseg, true);
  dv.setUint32(job + JOB_EXTENTS, array.scratch.extents, true);
  dv.setUint32(job + JOB_OFFSET, start - first * EXTENT_SIZE, true);
  dv.setUint32(job + JOB_BYTES, isWrite ? bytes : Math.min(bytes, x.cmd.dataLength), true);
  dv.setUint32(job + JOB_EXTENT_SIZE, EXTENT_SIZE, true);
  x.cmd.transferred = array.arena.sg.run(job, 1);
  if (!isWrite) return x.good();
  lun.volume.written(first, count);
  if (lun.cacheMode === "write-back" && !x.has(FLAG_FUA)) return x.good();
  lun.volume.whenDurable((error) => error ? outOfSpace(x) : x.good());
}
function synchronizeCache(x, lun) {
  if (x.opcode !== OP_SYNCHRONIZE_CACHE_10) return x.invalidField(0);
  const blocks = x.length === 0 ? lun.blocks - x.lba : x.length;
  if (x.lba >= lun.blocks || x.lba + blocks > lun.blocks) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 33, 0);
  if (x.has(FLAG_IMMED)) {
    lun.volume.whenDurable(() => {
    });
    return x.good();
  }
  lun.volume.whenDurable((error) => error ? outOfSpace(x) : x.good());
}
function outOfSpace(x) {
  x.checkCondition(SenseKey.DATA_PROTECT, 39, 7);
}

// src/stack/arrays/commands/capacity.ts
function readCapacity10(x, lun) {
  const d = new Uint8Array(8);
  const dv = new DataView(d.buffer);
  dv.setUint32(0, Math.min(lun.blocks - 1, 4294967295));
  dv.setUint32(4, lun.blockSize);
  x.dataIn(d, 8);
}
function readCapacity16(x, lun) {
  const d = new Uint8Array(32);
  const dv = new DataView(d.buffer);
  const last = lun.blocks - 1;
  dv.setUint32(0, Math.floor(last / 4294967296));
  dv.setUint32(4, last >>> 0);
  dv.setUint32(8, lun.blockSize);
  x.dataIn(d, x.length);
}

// src/stack/arrays/commands/mode-sense.ts
var CACHING = 8;
var CONTROL = 10;
var ALL_PAGES = 63;
var PC_CHANGEABLE = 1;
var PC_SAVED = 3;
function modeSense(x, lun) {
  const six = x.opcode === OP_MODE_SENSE_6;
  const pc = x.param;
  if (pc === PC_SAVED) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 57, 0);
  if (x.subpage !== 0 && !(x.page === ALL_PAGES && x.subpage === 255)) return x.invalidField(3);
  let pages;
  if (x.page === CACHING) pages = [cachingPage(lun, pc)];
  else if (x.page === CONTROL) pages = [controlPage(lun, pc)];
  else if (x.page === ALL_PAGES) pages = [cachingPage(lun, pc), controlPage(lun, pc)];
  else return x.invalidField(2, 5);
  const longLba = !six && x.has(FLAG_LLBAA);
  const descriptor = x.has(FLAG_DBD) ? new Uint8Array(0) : blockDescriptor(lun, longLba);
  const headerLength = six ? 4 : 8;
  const total = headerLength + descriptor.length + pages.reduce((n, p) => n + p.length, 0);
  const d = new Uint8Array(total);
  const dv = new DataView(d.buffer);
  if (six) {
    d[0] = total - 1;
    d[2] = 16;
    d[3] = descriptor.length;
  } else {
    dv.setUint16(0, total - 2);
    d[3] = 16;
    d[4] = longLba && descriptor.length > 0 ? 1 : 0;
    dv.setUint16(6, descriptor.length);
  }
  d.set(descriptor, headerLength);
  let at2 = headerLength + descriptor.length;
  for (const p of pages) {
    d.set(p, at2);
    at2 += p.length;
  }
  x.dataIn(d, x.length);
}
function blockDescriptor(lun, long) {
  const d = new Uint8Array(long ? 16 : 8);
  const dv = new DataView(d.buffer);
  if (long) {
    dv.setUint32(0, Math.floor(lun.blocks / 4294967296));
    dv.setUint32(4, lun.blocks >>> 0);
    dv.setUint32(12, lun.blockSize);
  } else {
    dv.setUint32(0, Math.min(lun.blocks, 4294967295));
    dv.setUint32(4, lun.blockSize & 16777215);
  }
  return d;
}
function cachingPage(lun, pc) {
  const p = new Uint8Array(20);
  p[0] = CACHING;
  p[1] = p.length - 2;
  if (pc !== PC_CHANGEABLE) p[2] = lun.cacheMode === "write-back" ? 4 : 0;
  return p;
}
function controlPage(lun, pc) {
  const p = new Uint8Array(12);
  p[0] = CONTROL;
  p[1] = p.length - 2;
  if (pc !== PC_CHANGEABLE) {
    p[2] = (lun.descriptorSense ? 4 : 0) | 2;
    p[3] = 16;
    new DataView(p.buffer).setUint16(10, 30);
  }
  return p;
}

// src/stack/arrays/commands/report-luns.ts
function reportLuns(x, array) {
  const select = x.param;
  let luns;
  if (select === 0 || select === 2) luns = array.visibleLunNumbers();
  else if (select === 1 || select >= 16 && select <= 18) luns = [];
  else return x.invalidField(2);
  const d = new Uint8Array(8 + 8 * luns.length);
  new DataView(d.buffer).setUint32(0, 8 * luns.length);
  luns.forEach((lun, i) => {
    const at2 = 8 + 8 * i;
    if (lun < 256) d[at2 + 1] = lun;
    else {
      d[at2] = 64 | lun >> 8 & 63;
      d[at2 + 1] = lun & 255;
    }
  });
  x.dataIn(d, x.length);
}

// src/stack/arrays/commands/sense.ts
function testUnitReady(x) {
  x.good();
}
function requestSense(x, array) {
  const descriptor = x.has(FLAG_DESC);
  let sense;
  if (!x.lun) {
    sense = x.buildSense(SenseKey.ILLEGAL_REQUEST, 37, 0, descriptor);
  } else {
    const ua = x.lun.takeAttention(array.nexus(x));
    sense = ua ? x.buildSense(SenseKey.UNIT_ATTENTION, ua.asc, ua.ascq, descriptor) : x.buildSense(SenseKey.NO_SENSE, 0, 0, descriptor);
  }
  x.dataIn(sense, x.length);
}

// src/stack/arrays/commands/start-stop.ts
function startStopUnit(x, array, lun) {
  if (x.param !== 0) return x.invalidField(4, 7);
  if (x.has(FLAG_START) && array.config.personality === "active-passive") array.trespass(lun, x.port.sp.index);
  x.good();
}

// src/stack/arrays/alua.ts
var AccessState = {
  ACTIVE_OPTIMIZED: 0,
  ACTIVE_NON_OPTIMIZED: 1,
  STANDBY: 2,
  UNAVAILABLE: 3,
  OFFLINE: 14,
  TRANSITIONING: 15
};
var TpgStatus = { NONE: 0, SET_BY_STPG: 1, IMPLICIT: 2 };
var SETTABLE_STATES = [0, 1, 2, 3];
var SUPPORTED_STATES = 143;
var AluaGroups = class {
  states;
  until;
  status;
  constructor(groups, owner) {
    this.states = new Uint8Array(groups).fill(AccessState.ACTIVE_NON_OPTIMIZED);
    this.states[owner] = AccessState.ACTIVE_OPTIMIZED;
    this.until = new Float64Array(groups);
    this.status = new Uint8Array(groups);
  }
  get count() {
    return this.states.length;
  }
  /** State of group `g` (0-based) at virtual time `now`. */
  stateAt(g, now) {
    return now < this.until[g] ? AccessState.TRANSITIONING : this.states[g];
  }
  /** Target state of a group, ignoring any transition in progress. */
  targetState(g) {
    return this.states[g];
  }
  /** Moves group `g` to `state`, through TRANSITIONING for `transitionUs`. Returns whether it changed. */
  set(g, state3, now, transitionUs, status) {
    if (this.states[g] === state3) return false;
    this.states[g] = state3;
    this.until[g] = now + transitionUs;
    this.status[g] = status;
    return true;
  }
};

// src/stack/memory/sgl.ts
function writeToSgl(arena, sgl, nseg, src, length) {
  const dv = arena.dv;
  const u8 = arena.u8;
  let copied = 0;
  const total = Math.min(length, src.length);
  for (let i = 0; i < nseg && copied < total; i++) {
    const addr = dv.getUint32(sgl + i * SG_ENTRY_SIZE + SG_ADDR, true);
    const len = Math.min(dv.getUint32(sgl + i * SG_ENTRY_SIZE + SG_LEN, true), total - copied);
    u8.set(src.subarray(copied, copied + len), addr);
    copied += len;
  }
  return copied;
}
function readFromSgl(arena, sgl, nseg, length) {
  const dv = arena.dv;
  const u8 = arena.u8;
  const out = new Uint8Array(length);
  let copied = 0;
  for (let i = 0; i < nseg && copied < length; i++) {
    const addr = dv.getUint32(sgl + i * SG_ENTRY_SIZE + SG_ADDR, true);
    const len = Math.min(dv.getUint32(sgl + i * SG_ENTRY_SIZE + SG_LEN, true), length - copied);
    out.set(u8.subarray(addr, addr + len), copied);
    copied += len;
  }
  return out.subarray(0, copied);
}
function setSingleSegment(arena, list, addr, length) {
  const dv = arena.dv;
  dv.setUint32(list + SG_ADDR, addr, true);
  dv.setUint32(list + SG_LEN, length, true);
}

// src/stack/arrays/commands/target-port-groups.ts
function reportTargetPortGroups(x, array, lun) {
  const extended = x.param === 1;
  const header = extended ? 8 : 4;
  const sps = array.sps;
  const size = header + sps.reduce((n, sp) => n + 8 + 4 * sp.ports.length, 0);
  const d = new Uint8Array(size);
  const dv = new DataView(d.buffer);
  dv.setUint32(0, size - header);
  if (extended) {
    d[4] = 16;
    d[5] = Math.min(255, Math.ceil(array.transitionUs / 1e6));
  }
  let at2 = header;
  const now = array.now();
  for (const sp of sps) {
    d[at2] = (sp.index === lun.preferredOwner ? 128 : 0) | lun.alua.stateAt(sp.index, now);
    d[at2 + 1] = SUPPORTED_STATES;
    dv.setUint16(at2 + 2, sp.groupId);
    d[at2 + 5] = lun.alua.status[sp.index];
    d[at2 + 7] = sp.ports.length;
    at2 += 8;
    for (const port of sp.ports) {
      dv.setUint16(at2 + 2, port.relativeId);
      at2 += 4;
    }
  }
  x.dataIn(d, x.length);
}
function setTargetPortGroups(x, array, lun) {
  const length = x.length;
  if (length === 0) return x.good();
  if (length < 4 || (length - 4) % 4 !== 0 || length > x.cmd.dataLength) {
    return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 26, 0);
  }
  const list = readFromSgl(array.arena, x.cmd.sgl, x.cmd.nseg, length);
  const requests = [];
  for (let at2 = 4; at2 < length; at2 += 4) {
    const state3 = list[at2] & 15;
    const groupId = list[at2 + 2] << 8 | list[at2 + 3];
    if (!SETTABLE_STATES.includes(state3)) return x.invalidField(at2, 3, false);
    const group = groupId - 1;
    if (group < 0 || group >= array.sps.length) return x.invalidField(at2 + 2, 7, false);
    requests.push({ group, state: state3 });
  }
  const nexus = array.nexus(x);
  let changed = false;
  for (const { group, state: state3 } of requests) {
    if (state3 === AccessState.ACTIVE_OPTIMIZED) {
      for (let g = 0; g < lun.alua.count; g++) {
        const listed = requests.some((r) => r.group === g);
        if (g !== group && !listed && lun.alua.targetState(g) === AccessState.ACTIVE_OPTIMIZED) {
          changed = lun.alua.set(g, AccessState.ACTIVE_NON_OPTIMIZED, array.now(), array.transitionUs, TpgStatus.SET_BY_STPG) || changed;
        }
      }
      lun.owner = group;
    }
    changed = lun.alua.set(group, state3, array.now(), array.transitionUs, TpgStatus.SET_BY_STPG) || changed;
  }
  if (changed) lun.raiseAttention(42, 6, nexus);
  x.good();
}

// src/stack/arrays/exchange.ts
var Exchange = class {
  constructor(codec, arena, release) {
    this.codec = codec;
    this.arena = arena;
    this.release = release;
  }
  codec;
  arena;
  release;
  cmd;
  port;
  /** The addressed LUN, or undefined when no LUN answers at that number. */
  lun;
  lunNumber = 0;
  done;
  // Decoded CDB fields (see asm/cdb/layout.ts).
  opcode = 0;
  serviceAction = 0;
  result = 0;
  fieldPointer = 0;
  bitPointer = 0;
  protect = 0;
  flags = 0;
  lba = 0;
  length = 0;
  page = 0;
  subpage = 0;
  param = 0;
  /** Decodes the command's CDB through the codec (wasm or its twin). */
  decode() {
    const { codec, cmd } = this;
    const at2 = codec.slotsOffset;
    codec.bytes.set(cmd.cdb, at2 + SLOT_CDB);
    codec.decode(0, 1);
    const v = codec.view;
    this.opcode = v.getUint8(at2 + SLOT_OPCODE);
    this.serviceAction = v.getUint8(at2 + SLOT_SA);
    this.result = v.getUint8(at2 + SLOT_RESULT);
    this.fieldPointer = v.getUint16(at2 + SLOT_FIELD_PTR, true);
    this.bitPointer = v.getUint8(at2 + SLOT_BIT_PTR);
    this.protect = v.getUint8(at2 + SLOT_PROTECT);
    this.flags = v.getUint32(at2 + SLOT_FLAGS, true);
    this.lba = v.getUint32(at2 + SLOT_LBA_HI, true) * 4294967296 + v.getUint32(at2 + SLOT_LBA_LO, true);
    this.length = v.getUint32(at2 + SLOT_LENGTH, true);
    this.page = v.getUint8(at2 + SLOT_PAGE);
    this.subpage = v.getUint8(at2 + SLOT_SUBPAGE);
    this.param = v.getUint8(at2 + SLOT_PARAM);
  }
  has(flag3) {
    return (this.flags & flag3) !== 0;
  }
  /** Answers with data-in: at most `allocation` bytes of `data` reach the initiator. */
  dataIn(data, allocation) {
    const { cmd } = this;
    cmd.transferred = writeToSgl(this.arena, cmd.sgl, cmd.nseg, data, Math.min(allocation, cmd.dataLength));
    this.good();
  }
  good() {
    this.cmd.status = Status.GOOD;
    this.finish();
  }
  /** CHECK CONDITION with sense data in the LUN's format. */
  checkCondition(key, asc, ascq, info) {
    this.writeSense(key, asc, ascq, info, -1, 0, true);
    this.cmd.status = Status.CHECK_CONDITION;
    this.finish();
  }
  /** ILLEGAL REQUEST, INVALID FIELD IN CDB (24/00) or IN PARAMETER LIST (26/00), with the field pointer. */
  invalidField(byte, bit = NO_BIT_PTR, inCdb = true) {
    this.writeSense(SenseKey.ILLEGAL_REQUEST, inCdb ? 36 : 38, 0, void 0, byte, bit, inCdb);
    this.cmd.status = Status.CHECK_CONDITION;
    this.finish();
  }
  /** Sense bytes for a condition with no information or field pointer (REQUEST SENSE data). */
  buildSense(key, asc, ascq, descriptor) {
    return this.encodeSense(descriptor, key, asc, ascq, void 0, -1, 0, true).slice();
  }
  writeSense(key, asc, ascq, info, fieldPtr, bitPtr, cd) {
    const sense = this.encodeSense(this.lun?.descriptorSense ?? false, key, asc, ascq, info, fieldPtr, bitPtr, cd);
    this.cmd.sense.set(sense);
    this.cmd.senseLength = sense.length;
  }
  /** Builds sense data through the codec (sense slot 0); returns a view of the codec's bytes. */
  encodeSense(descriptor, key, asc, ascq, info, fieldPtr, bitPtr, cd) {
    const { codec } = this;
    const s = codec.senseOffset;
    const v = codec.view;
    v.setUint8(s + SENSE_RESPONSE, descriptor ? 114 : 112);
    v.setUint8(s + SENSE_KEY, key);
    v.setUint8(s + SENSE_ASC, asc);
    v.setUint8(s + SENSE_ASCQ, ascq);
    v.setUint8(s + SENSE_INFO_VALID, info === void 0 ? 0 : 1);
    v.setUint32(s + SENSE_INFO_LO, (info ?? 0) >>> 0, true);
    v.setUint32(s + SENSE_INFO_HI, Math.floor((info ?? 0) / 4294967296), true);
    v.setUint8(s + SENSE_SKS_VALID, fieldPtr >= 0 ? 1 : 0);
    v.setUint8(s + SENSE_CD, cd ? 1 : 0);
    v.setUint8(s + SENSE_BIT_PTR, bitPtr);
    v.setUint16(s + SENSE_FIELD_PTR, Math.max(fieldPtr, 0), true);
    codec.encodeSense(0, 1);
    const len = v.getUint8(s + SENSE_LEN);
    return codec.bytes.subarray(s + SENSE_OUT, s + SENSE_OUT + len);
  }
  finish() {
    const { cmd, done } = this;
    this.release(this);
    done(cmd);
  }
};

// src/stack/arrays/logical-unit.ts
var LogicalUnit = class {
  constructor(array, config2, volume) {
    this.volume = volume;
    this.number = config2.lun;
    this.blocks = config2.blocks;
    this.blockSize = config2.blockSize;
    this.cacheMode = config2.cacheMode ?? "write-through";
    this.descriptorSense = array.descriptorSense ?? false;
    this.owner = this.preferredOwner = config2.owner ?? config2.lun % array.sps.length;
    this.alua = new AluaGroups(array.sps.length, this.owner);
    this.naa = naa6(array.oui, array.serial, config2.lun);
    this.naaId = naaId(array, config2);
    this.serial = `${array.serial.toString(16).toUpperCase().padStart(8, "0")}${config2.lun.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  volume;
  number;
  blocks;
  blockSize;
  cacheMode;
  descriptorSense;
  /** NAA 6 designator: 16 bytes. */
  naa;
  /** Device id as hosts print it: "naa." + 32 hex digits. */
  naaId;
  /** VPD 0x80 unit serial number. */
  serial;
  /** Active/passive and ALUA: the SP that currently owns the LUN. */
  owner;
  /** The SP that owned it at power-on: its group carries the PREF bit. */
  preferredOwner;
  alua;
  /** Permanent device loss: the LUN answers 05/25/00 on every path. */
  lost = false;
  /** Consecutive I/Os through a non-optimized group (for implicit follow-over). */
  nonOptimizedRun = 0;
  attentions = /* @__PURE__ */ new Map();
  nexuses = /* @__PURE__ */ new Set();
  lastNexus = 0;
  get capacityBytes() {
    return this.blocks * this.blockSize;
  }
  /** Remembers an I_T nexus that has talked to this LUN (unit attentions go to known nexuses). */
  see(nexus) {
    if (nexus === this.lastNexus) return;
    this.lastNexus = nexus;
    this.nexuses.add(nexus);
  }
  /** Queues a unit attention for every known nexus but `except`. */
  raiseAttention(asc, ascq, except) {
    for (const nexus of this.nexuses) if (nexus !== except) this.attentions.set(nexus, { asc, ascq });
  }
  /** Takes the unit attention waiting for `nexus`, if any. */
  takeAttention(nexus) {
    if (this.attentions.size === 0) return void 0;
    const ua = this.attentions.get(nexus);
    if (ua) this.attentions.delete(nexus);
    return ua;
  }
};
function naaId(array, config2) {
  return "naa." + hex(naa6(array.oui, array.serial, config2.lun));
}
function naa6(oui, serial, lun) {
  const b = new Uint8Array(16);
  const vendorHi = Math.floor(serial / 2 ** 32) & 15;
  const vendorLo = serial >>> 0;
  b[0] = 96 | oui >>> 20 & 15;
  b[1] = oui >>> 12 & 255;
  b[2] = oui >>> 4 & 255;
  b[3] = (oui & 15) << 4 | vendorHi;
  b[4] = vendorLo >>> 24;
  b[5] = vendorLo >>> 16 & 255;
  b[6] = vendorLo >>> 8 & 255;
  b[7] = vendorLo & 255;
  new DataView(b.buffer).setUint32(12, lun);
  return b;
}
function hex(bytes) {
  let s = "";
  for (const byte of bytes) s += byte.toString(16).padStart(2, "0");
  return s;
}

// src/stack/arrays/personalities/active-active.ts
var activeActive = {
  tpgsBits: () => 0,
  reportsGroups: false,
  supportsSetGroups: () => false,
  admit: () => true,
  spChanged: () => {
  }
};

// src/stack/arrays/personalities/personality.ts
function alwaysAllowed(opcode) {
  return opcode === OP_INQUIRY || opcode === OP_REPORT_LUNS || opcode === OP_REQUEST_SENSE || opcode === OP_MAINTENANCE_IN || opcode === OP_MAINTENANCE_OUT;
}
function isModeSense(opcode) {
  return opcode === OP_MODE_SENSE_6 || opcode === OP_MODE_SENSE_10;
}

// src/stack/arrays/personalities/active-passive.ts
var activePassive = {
  tpgsBits: () => 0,
  reportsGroups: false,
  supportsSetGroups: () => false,
  admit(x, array, lun) {
    const sp = x.port.sp.index;
    if (lun.owner === sp || alwaysAllowed(x.opcode) || isModeSense(x.opcode) || x.opcode === OP_START_STOP_UNIT) return true;
    if (array.config.autoTrespass) {
      array.trespass(lun, sp);
      return true;
    }
    x.checkCondition(SenseKey.NOT_READY, 4, 3);
    return false;
  },
  // The array does not move LUNs itself when an SP fails: the host's SATP has to activate them.
  spChanged: () => {
  }
};

// src/stack/arrays/personalities/alua.ts
var TPGS = { implicit: 1, explicit: 2, both: 3 };
function isMedia(opcode) {
  return opcode === OP_READ_10 || opcode === OP_READ_16 || opcode === OP_WRITE_10 || opcode === OP_WRITE_16;
}
var alua = {
  tpgsBits: (array) => TPGS[array.config.alua ?? "both"],
  reportsGroups: true,
  supportsSetGroups: (array) => (array.config.alua ?? "both") !== "implicit",
  admit(x, array, lun) {
    const group = x.port.sp.index;
    const state3 = lun.alua.stateAt(group, array.now());
    if (state3 === AccessState.ACTIVE_OPTIMIZED || state3 === AccessState.ACTIVE_NON_OPTIMIZED) {
      if (isMedia(x.opcode)) followIo(array, lun, group, state3);
      return true;
    }
    if (alwaysAllowed(x.opcode)) return true;
    if (state3 === AccessState.STANDBY) {
      if (isModeSense(x.opcode)) return true;
      x.checkCondition(SenseKey.NOT_READY, 4, 11);
    } else if (state3 === AccessState.UNAVAILABLE) {
      x.checkCondition(SenseKey.NOT_READY, 4, 12);
    } else {
      x.checkCondition(SenseKey.NOT_READY, 4, 10);
    }
    return false;
  },
  spChanged(array, sp, up) {
    const now = array.now();
    for (const lun of array.luns) {
      if (!up) {
        lun.alua.set(sp, AccessState.UNAVAILABLE, now, 0, TpgStatus.IMPLICIT);
        if (lun.owner === sp) {
          const survivor = array.sps.find((s) => s.up && s.index !== sp);
          if (survivor) {
            lun.owner = survivor.index;
            lun.alua.set(survivor.index, AccessState.ACTIVE_OPTIMIZED, now, array.transitionUs, TpgStatus.IMPLICIT);
          }
        }
      } else {
        lun.alua.set(sp, AccessState.ACTIVE_NON_OPTIMIZED, now, array.transitionUs, TpgStatus.IMPLICIT);
      }
      lun.raiseAttention(42, 6);
    }
  }
};
function followIo(array, lun, group, state3) {
  const threshold = array.config.implicitFollowIo ?? 0;
  if (state3 === AccessState.ACTIVE_OPTIMIZED || threshold === 0) {
    lun.nonOptimizedRun = 0;
    return;
  }
  if (++lun.nonOptimizedRun < threshold) return;
  lun.nonOptimizedRun = 0;
  const now = array.now();
  lun.alua.set(lun.owner, AccessState.ACTIVE_NON_OPTIMIZED, now, array.transitionUs, TpgStatus.IMPLICIT);
  lun.alua.set(group, AccessState.ACTIVE_OPTIMIZED, now, array.transitionUs, TpgStatus.IMPLICIT);
  lun.owner = group;
  lun.raiseAttention(42, 6);
}

// src/stack/arrays/ports.ts
var nextNexus = 1;
var TargetPort = class {
  constructor(wwpn, sp, relativeId) {
    this.wwpn = wwpn;
    this.sp = sp;
    this.relativeId = relativeId;
  }
  wwpn;
  sp;
  relativeId;
  up = true;
  /** I_T nexus ids of the initiators that have talked to this port (interned: no string per command). */
  nexusIds = /* @__PURE__ */ new Map();
  /** The I_T nexus id of `initiator` through this port. */
  nexus(initiator) {
    let id = this.nexusIds.get(initiator);
    if (id === void 0) this.nexusIds.set(initiator, id = nextNexus++);
    return id;
  }
  /** A port answers when it, its SP and its array are up. */
  get reachable() {
    return this.up && this.sp.up;
  }
};
var StorageProcessor = class {
  constructor(name, index) {
    this.name = name;
    this.index = index;
  }
  name;
  index;
  up = true;
  ports = [];
  get groupId() {
    return this.index + 1;
  }
};

// src/stack/arrays/storage-array.ts
var personalities = {
  "active-active": activeActive,
  "active-passive": activePassive,
  alua
};
var StorageArray = class _StorageArray {
  constructor(config2, luns, env) {
    this.config = config2;
    this.luns = luns;
    this.personality = personalities[config2.personality];
    this.arena = env.arena;
    this.codec = env.codec;
    this.random = new SeededRandom(env.seed).fork(config2.name);
    this.sps = config2.sps.map((spc, i) => new StorageProcessor(spc.name, i));
    for (const sp of this.sps) {
      for (const pc of config2.sps[sp.index].ports) {
        const port = new TargetPort(pc.wwpn, sp, this.ports.length + 1);
        sp.ports.push(port);
        this.ports.push(port);
      }
    }
    for (const lun of luns) this.byNumber.set(lun.number, lun);
    this.scratch = { extents: env.arena.alloc(4 * MAX_EXTENTS_PER_COMMAND), job: env.arena.alloc(JOB_SIZE) };
  }
  config;
  luns;
  sps;
  ports = [];
  personality;
  arena;
  /** Per-array scratch in the arena for the one data copy in progress (copies are synchronous). */
  scratch;
  /** Virtual time in microseconds; the simulation clock replaces it. */
  now = () => 0;
  /** Whole-array power: when false no port answers. */
  up = true;
  /** Extra service time injected by a latency-spike fault, in microseconds. */
  extraServiceUs = 0;
  codec;
  random;
  pool = [];
  byNumber = /* @__PURE__ */ new Map();
  static async create(config2, env) {
    const luns = [];
    for (const lc of config2.luns) luns.push(new LogicalUnit(config2, lc, await env.store.open(naaId(config2, lc))));
    return new _StorageArray(config2, luns, env);
  }
  get name() {
    return this.config.name;
  }
  get tpgsBits() {
    return this.personality.tpgsBits(this);
  }
  get transitionUs() {
    return this.config.transitionUs ?? 2e5;
  }
  /** The LUN at this number, unless there is none or it is lost (PDL). */
  lun(number) {
    const lun = this.byNumber.get(number);
    return lun && !lun.lost ? lun : void 0;
  }
  visibleLunNumbers() {
    return this.luns.filter((l) => !l.lost).map((l) => l.number);
  }
  portByName(wwpn) {
    return this.ports.find((p) => p.wwpn === wwpn);
  }
  /** The I_T nexus of an exchange: initiator port and target port. */
  nexus(x) {
    return x.port.nexus(x.cmd.initiator);
  }
  /** Virtual microseconds the array takes for a command moving `bytes`. */
  serviceTimeUs(bytes) {
    const m = this.config.serviceTime;
    return m.fixedUs + m.perKiBUs * bytes / 1024 + this.random.next() * m.jitterUs + this.extraServiceUs;
  }
  /**
   * Serves one command that arrived on `port` for LUN `lunNumber`; `done` is called exactly once,
   * synchronously or (when blocks must first be loaded or made durable) later.
   */
  submit(cmd, port, lunNumber, done) {
    if (!this.up || !port.reachable) {
      cmd.hostStatus = HostStatus.NO_CONNECT;
      done(cmd);
      return;
    }
    const x = this.pool.pop() ?? new Exchange(this.codec, this.arena, (e) => this.pool.push(e));
    x.cmd = cmd;
    x.port = port;
    x.done = done;
    x.lunNumber = lunNumber;
    x.lun = this.lun(lunNumber);
    cmd.serviceUs = this.serviceTimeUs(cmd.dataLength);
    x.decode();
    if (x.result === RESULT_BAD_OPCODE) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 32, 0);
    if (x.result === RESULT_BAD_FIELD) return x.invalidField(x.fieldPointer, x.bitPointer);
    this.dispatch(x);
  }
  dispatch(x) {
    const lun = x.lun;
    const nexus = this.nexus(x);
    if (lun) lun.see(nexus);
    switch (x.opcode) {
      case OP_REPORT_LUNS:
        return reportLuns(x, this);
      case OP_INQUIRY:
        return inquiry(x, this);
      case OP_REQUEST_SENSE:
        return requestSense(x, this);
    }
    if (!lun) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 37, 0);
    const ua = lun.takeAttention(nexus);
    if (ua) return x.checkCondition(SenseKey.UNIT_ATTENTION, ua.asc, ua.ascq);
    if (!this.personality.admit(x, this, lun)) return;
    switch (x.opcode) {
      case OP_TEST_UNIT_READY:
        return testUnitReady(x);
      case OP_START_STOP_UNIT:
        return startStopUnit(x, this, lun);
      case OP_READ_10:
      case OP_READ_16:
      case OP_WRITE_10:
      case OP_WRITE_16:
        return readWrite(x, this, lun);
      case OP_SYNCHRONIZE_CACHE_10:
        return synchronizeCache(x, lun);
      case OP_READ_CAPACITY_10:
        return readCapacity10(x, lun);
      case OP_SERVICE_ACTION_IN_16:
        return readCapacity16(x, lun);
      case OP_MODE_SENSE_6:
      case OP_MODE_SENSE_10:
        return modeSense(x, lun);
      case OP_MAINTENANCE_IN:
        if (this.personality.reportsGroups) return reportTargetPortGroups(x, this, lun);
        break;
      case OP_MAINTENANCE_OUT:
        if (this.personality.supportsSetGroups(this)) return setTargetPortGroups(x, this, lun);
        break;
    }
    x.checkCondition(SenseKey.ILLEGAL_REQUEST, 32, 0);
  }
  // Administration and fault switches.
  /** Moves a LUN to another SP (active/passive trespass). */
  trespass(lun, sp) {
    lun.owner = sp;
  }
  setPortUp(port, up) {
    port.up = up;
  }
  setSpUp(sp, up) {
    if (sp.up === up) return;
    sp.up = up;
    this.personality.spChanged(this, sp.index, up);
  }
  /**
   * An array-initiated (implicit) ALUA change: group `sp` of `lun` moves to `state` through
   * TRANSITIONING, and every I_T nexus gets UNIT ATTENTION 2A/06.
   */
  changeAccessState(lun, sp, state3) {
    if (this.config.personality !== "alua") throw new Error(`${this.name} is not an ALUA array`);
    if (state3 === AccessState.ACTIVE_OPTIMIZED) {
      for (let g = 0; g < lun.alua.count; g++) {
        if (g !== sp && lun.alua.targetState(g) === AccessState.ACTIVE_OPTIMIZED) {
          lun.alua.set(g, AccessState.ACTIVE_NON_OPTIMIZED, this.now(), this.transitionUs, TpgStatus.IMPLICIT);
        }
      }
      lun.owner = sp;
    }
    if (lun.alua.set(sp, state3, this.now(), this.transitionUs, TpgStatus.IMPLICIT)) lun.raiseAttention(42, 6);
  }
  /** Permanent device loss: the LUN disappears from REPORT LUNS and answers 05/25/00. */
  setLunLost(lun, lost) {
    lun.lost = lost;
  }
};

// src/stack/blockstore/extent-table.ts
var PAGE_BITS = 10;
var PAGE_MASK = (1 << PAGE_BITS) - 1;
var ExtentTable = class {
  pages = [];
  count = 0;
  get(index) {
    const page2 = this.pages[index >>> PAGE_BITS];
    return page2 === void 0 ? 0 : page2[index & PAGE_MASK];
  }
  set(index, addr) {
    const p = index >>> PAGE_BITS;
    const page2 = this.pages[p] ??= new Uint32Array(1 << PAGE_BITS);
    if (page2[index & PAGE_MASK] === 0 && addr !== 0) this.count++;
    page2[index & PAGE_MASK] = addr;
  }
  get size() {
    return this.count;
  }
  *entries() {
    for (let p = 0; p < this.pages.length; p++) {
      const page2 = this.pages[p];
      if (page2 === void 0) continue;
      for (let i = 0; i < page2.length; i++) if (page2[i] !== 0) yield [p << PAGE_BITS | i, page2[i]];
    }
  }
};

// src/stack/blockstore/memory-store.ts
var MemoryVolume = class {
  constructor(key, arena) {
    this.key = key;
    this.arena = arena;
  }
  key;
  arena;
  extents = new ExtentTable();
  map(first, count, forWrite, table) {
    for (let i = 0; i < count; i++) {
      let addr = this.extents.get(first + i);
      if (addr === 0 && forWrite) {
        addr = this.arena.alloc(EXTENT_SIZE);
        this.extents.set(first + i, addr);
      }
      this.arena.dv.setUint32(table + 4 * i, addr, true);
    }
    return null;
  }
  written() {
  }
  whenDurable(done) {
    done();
  }
  allocatedExtents() {
    return this.extents.size;
  }
  release() {
    for (const [, addr] of this.extents.entries()) this.arena.free(addr, EXTENT_SIZE);
  }
};
var MemoryBlockStore = class {
  constructor(arena) {
    this.arena = arena;
  }
  arena;
  kind = "memory";
  volumes = /* @__PURE__ */ new Map();
  async open(key) {
    let volume = this.volumes.get(key);
    if (!volume) this.volumes.set(key, volume = new MemoryVolume(key, this.arena));
    return volume;
  }
  async clear() {
    for (const volume of this.volumes.values()) volume.release();
    this.volumes.clear();
  }
  close() {
  }
};

// src/stack/blockstore/indexeddb-store.ts
var STORE = "extents";
var DESTAGE_DELAY_MS = 1e3;
function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
var IdbVolume = class {
  constructor(key, store, persisted) {
    this.key = key;
    this.store = store;
    this.persisted = persisted;
  }
  key;
  store;
  persisted;
  cached = new ExtentTable();
  dirty = /* @__PURE__ */ new Set();
  loading = /* @__PURE__ */ new Map();
  map(first, count, forWrite, table) {
    const arena = this.store.arena;
    let missing;
    for (let i = 0; i < count; i++) {
      const index = first + i;
      if (this.cached.get(index) === 0 && this.persisted.has(index)) (missing ??= []).push(index);
    }
    if (missing) return this.load(missing);
    for (let i = 0; i < count; i++) {
      let addr = this.cached.get(first + i);
      if (addr === 0 && forWrite) {
        addr = arena.alloc(EXTENT_SIZE);
        this.cached.set(first + i, addr);
      }
      arena.dv.setUint32(table + 4 * i, addr, true);
    }
    return null;
  }
  written(first, count) {
    for (let i = 0; i < count; i++) this.dirty.add(first + i);
    this.store.destageLater();
  }
  whenDurable(done) {
    this.store.flushSoon(done);
  }
  allocatedExtents() {
    let n = this.persisted.size;
    for (const [index] of this.cached.entries()) if (!this.persisted.has(index)) n++;
    return n;
  }
  load(indexes) {
    const waits = [];
    const fresh = [];
    for (const index of indexes) {
      const pending = this.loading.get(index);
      if (pending) waits.push(pending);
      else fresh.push(index);
    }
    if (fresh.length > 0) {
      const loaded = this.store.readExtents(this.key, fresh).then((values) => {
        values.forEach((bytes, i) => {
          const index = fresh[i];
          this.loading.delete(index);
          if (this.cached.get(index) !== 0) return;
          const addr = this.store.arena.alloc(EXTENT_SIZE);
          if (bytes) this.store.arena.u8.set(bytes.subarray(0, EXTENT_SIZE), addr);
          this.cached.set(index, addr);
        });
      });
      for (const index of fresh) this.loading.set(index, loaded);
      waits.push(loaded);
    }
    return Promise.all(waits).then(() => void 0);
  }
};
var IndexedDbBlockStore = class _IndexedDbBlockStore {
  constructor(arena, db) {
    this.arena = arena;
    this.db = db;
  }
  arena;
  db;
  kind = "indexeddb";
  volumes = /* @__PURE__ */ new Map();
  waiting = [];
  flushing = false;
  flushQueued = false;
  destageTimer;
  static async open(arena, name = "pathlab-blocks", factory = indexedDB) {
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    return new _IndexedDbBlockStore(arena, await request(req));
  }
  async open(key) {
    const existing = this.volumes.get(key);
    if (existing) return existing;
    const range = IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER]);
    const keys = await request(this.db.transaction(STORE, "readonly").objectStore(STORE).getAllKeys(range));
    const volume = this.volumes.get(key) ?? new IdbVolume(key, this, new Set(keys.map((k) => k[1])));
    this.volumes.set(key, volume);
    return volume;
  }
  readExtents(key, indexes) {
    const store = this.db.transaction(STORE, "readonly").objectStore(STORE);
    return Promise.all(indexes.map((index) => request(store.get([key, index]))));
  }
  /** Flushes at the end of this turn, so every write of the turn shares one transaction. */
  flushSoon(done) {
    this.waiting.push(done);
    this.queueFlush();
  }
  destageLater() {
    this.destageTimer ??= setTimeout(() => {
      this.destageTimer = void 0;
      this.queueFlush();
    }, DESTAGE_DELAY_MS);
  }
  async clear() {
    const tx = this.db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).clear();
    await new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error);
    });
    for (const volume of this.volumes.values()) {
      for (const [, addr] of volume.cached.entries()) this.arena.free(addr, EXTENT_SIZE);
    }
    this.volumes.clear();
  }
  close() {
    clearTimeout(this.destageTimer);
    this.db.close();
  }
  queueFlush() {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setTimeout(() => {
      this.flushQueued = false;
      if (!this.flushing) this.flush();
    }, 0);
  }
  flush() {
    const callbacks = this.waiting;
    this.waiting = [];
    const batch = [];
    for (const volume of this.volumes.values()) {
      for (const index of volume.dirty) batch.push({ volume, index });
      volume.dirty.clear();
    }
    if (batch.length === 0) {
      for (const done of callbacks) done();
      return;
    }
    this.flushing = true;
    const tx = this.db.transaction(STORE, "readwrite");
    const store = tx.objectStore(STORE);
    const u8 = this.arena.u8;
    for (const { volume, index } of batch) {
      const addr = volume.cached.get(index);
      store.put(u8.slice(addr, addr + EXTENT_SIZE), [volume.key, index]);
    }
    const finish = (error) => {
      this.flushing = false;
      for (const { volume, index } of batch) {
        if (error) volume.dirty.add(index);
        else volume.persisted.add(index);
      }
      for (const done of callbacks) done(error);
      if (this.waiting.length > 0) this.queueFlush();
      else if (!error && [...this.volumes.values()].some((v) => v.dirty.size > 0)) this.destageLater();
    };
    tx.oncomplete = () => finish();
    tx.onabort = () => finish(describe(tx.error));
  }
};
function describe(error) {
  if (error?.name === "QuotaExceededError") return new Error("storage quota exceeded: the browser refused to store more blocks");
  return new Error(`IndexedDB write failed: ${error?.message ?? "transaction aborted"}`);
}

// src/stack/scsi/cdb-commands.ts
var OK = -1;
var fault = (byte, bit) => byte << 8 | bit;
var NACA = 4;
var GROUP_LENGTHS = [6, 10, 10, 0, 16, 12, 0, 0];
var cdbLengthOf = (op) => GROUP_LENGTHS[op >> 5];
var u32 = (v, at2) => v.getUint32(at2, true);
var put32 = (v, at2, x) => v.setUint32(at2, x, true);
var flag = (v, o, f) => u32(v, o + SLOT_FLAGS) & f ? 1 : 0;
function rwByte1(v, o) {
  return (v.getUint8(o + SLOT_PROTECT) & 7) << 5 | flag(v, o, FLAG_DPO) << 4 | flag(v, o, FLAG_FUA) << 3;
}
function readRwByte1(v, o, c) {
  const b1 = v.getUint8(c + 1);
  v.setUint8(o + SLOT_PROTECT, b1 >> 5);
  put32(v, o + SLOT_FLAGS, (b1 & 16 ? FLAG_DPO : 0) | (b1 & 8 ? FLAG_FUA : 0));
}
var encodeRw10 = (v, o, c) => {
  v.setUint8(c + 1, rwByte1(v, o));
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_LO));
  v.setUint8(c + 6, v.getUint8(o + SLOT_GROUP) & 31);
  v.setUint16(c + 7, u32(v, o + SLOT_LENGTH) & 65535);
};
var decodeRw10 = (v, o, c) => {
  readRwByte1(v, o, c);
  put32(v, o + SLOT_LBA_LO, v.getUint32(c + 2));
  v.setUint8(o + SLOT_GROUP, v.getUint8(c + 6) & 31);
  put32(v, o + SLOT_LENGTH, v.getUint16(c + 7));
  return OK;
};
var encodeRw16 = (v, o, c) => {
  v.setUint8(c + 1, rwByte1(v, o));
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_HI));
  v.setUint32(c + 6, u32(v, o + SLOT_LBA_LO));
  v.setUint32(c + 10, u32(v, o + SLOT_LENGTH));
  v.setUint8(c + 14, v.getUint8(o + SLOT_GROUP) & 31);
};
var decodeRw16 = (v, o, c) => {
  readRwByte1(v, o, c);
  put32(v, o + SLOT_LBA_HI, v.getUint32(c + 2));
  put32(v, o + SLOT_LBA_LO, v.getUint32(c + 6));
  put32(v, o + SLOT_LENGTH, v.getUint32(c + 10));
  v.setUint8(o + SLOT_GROUP, v.getUint8(c + 14) & 31);
  return OK;
};
var encodeNothing = () => {
};
var decodeNothing = () => OK;
var encodeRequestSense = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_DESC));
  v.setUint8(c + 4, u32(v, o + SLOT_LENGTH) & 255);
};
var decodeRequestSense = (v, o, c) => {
  put32(v, o + SLOT_FLAGS, v.getUint8(c + 1) & 1 ? FLAG_DESC : 0);
  put32(v, o + SLOT_LENGTH, v.getUint8(c + 4));
  return OK;
};
var encodeStartStopUnit = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_IMMED) ? 1 : 0);
  const loej = flag(v, o, FLAG_LOEJ) ? 2 : 0;
  const start = flag(v, o, FLAG_START) ? 1 : 0;
  v.setUint8(c + 4, (v.getUint8(o + SLOT_PARAM) << 4 | loej | start) & 255);
};
var decodeStartStopUnit = (v, o, c) => {
  const b4 = v.getUint8(c + 4);
  put32(v, o + SLOT_FLAGS, (v.getUint8(c + 1) & 1 ? FLAG_IMMED : 0) | (b4 & 2 ? FLAG_LOEJ : 0) | (b4 & 1 ? FLAG_START : 0));
  v.setUint8(o + SLOT_PARAM, b4 >> 4);
  return OK;
};
var encodeInquiry = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_EVPD));
  v.setUint8(c + 2, v.getUint8(o + SLOT_PAGE));
  v.setUint16(c + 3, u32(v, o + SLOT_LENGTH) & 65535);
};
var decodeInquiry = (v, o, c) => {
  const b1 = v.getUint8(c + 1);
  const page2 = v.getUint8(c + 2);
  put32(v, o + SLOT_FLAGS, b1 & 1 ? FLAG_EVPD : 0);
  v.setUint8(o + SLOT_PAGE, page2);
  put32(v, o + SLOT_LENGTH, v.getUint16(c + 3));
  if (b1 & 2) return fault(1, 1);
  if (page2 !== 0 && !(b1 & 1)) return fault(2, NO_BIT_PTR);
  return OK;
};
var pcPage = (v, o) => (v.getUint8(o + SLOT_PARAM) & 3) << 6 | v.getUint8(o + SLOT_PAGE) & 63;
function readPcPage(v, o, c) {
  const b2 = v.getUint8(c + 2);
  v.setUint8(o + SLOT_PARAM, b2 >> 6);
  v.setUint8(o + SLOT_PAGE, b2 & 63);
  v.setUint8(o + SLOT_SUBPAGE, v.getUint8(c + 3));
}
var encodeModeSense6 = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_DBD) << 3);
  v.setUint8(c + 2, pcPage(v, o));
  v.setUint8(c + 3, v.getUint8(o + SLOT_SUBPAGE));
  v.setUint8(c + 4, u32(v, o + SLOT_LENGTH) & 255);
};
var decodeModeSense6 = (v, o, c) => {
  put32(v, o + SLOT_FLAGS, v.getUint8(c + 1) & 8 ? FLAG_DBD : 0);
  readPcPage(v, o, c);
  put32(v, o + SLOT_LENGTH, v.getUint8(c + 4));
  return OK;
};
var encodeModeSense10 = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_LLBAA) << 4 | flag(v, o, FLAG_DBD) << 3);
  v.setUint8(c + 2, pcPage(v, o));
  v.setUint8(c + 3, v.getUint8(o + SLOT_SUBPAGE));
  v.setUint16(c + 7, u32(v, o + SLOT_LENGTH) & 65535);
};
var decodeModeSense10 = (v, o, c) => {
  const b1 = v.getUint8(c + 1);
  put32(v, o + SLOT_FLAGS, (b1 & 16 ? FLAG_LLBAA : 0) | (b1 & 8 ? FLAG_DBD : 0));
  readPcPage(v, o, c);
  put32(v, o + SLOT_LENGTH, v.getUint16(c + 7));
  return OK;
};
var encodeReadCapacity10 = (v, o, c) => {
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_LO));
  v.setUint8(c + 8, flag(v, o, FLAG_PMI));
};
var decodeReadCapacity10 = (v, o, c) => {
  const lba = v.getUint32(c + 2);
  const pmi = v.getUint8(c + 8) & 1;
  put32(v, o + SLOT_LBA_LO, lba);
  put32(v, o + SLOT_FLAGS, pmi ? FLAG_PMI : 0);
  return lba !== 0 && !pmi ? fault(2, NO_BIT_PTR) : OK;
};
var encodeSyncCache10 = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_IMMED) << 1);
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_LO));
  v.setUint8(c + 6, v.getUint8(o + SLOT_GROUP) & 31);
  v.setUint16(c + 7, u32(v, o + SLOT_LENGTH) & 65535);
};
var decodeSyncCache10 = (v, o, c) => {
  put32(v, o + SLOT_FLAGS, v.getUint8(c + 1) & 2 ? FLAG_IMMED : 0);
  put32(v, o + SLOT_LBA_LO, v.getUint32(c + 2));
  v.setUint8(o + SLOT_GROUP, v.getUint8(c + 6) & 31);
  put32(v, o + SLOT_LENGTH, v.getUint16(c + 7));
  return OK;
};
var encodeServiceActionIn16 = (v, o, c) => {
  v.setUint8(c + 1, v.getUint8(o + SLOT_SA) & 31);
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_HI));
  v.setUint32(c + 6, u32(v, o + SLOT_LBA_LO));
  v.setUint32(c + 10, u32(v, o + SLOT_LENGTH));
  v.setUint8(c + 14, flag(v, o, FLAG_PMI));
};
var decodeServiceActionIn16 = (v, o, c) => {
  const sa = v.getUint8(c + 1) & 31;
  v.setUint8(o + SLOT_SA, sa);
  put32(v, o + SLOT_LBA_HI, v.getUint32(c + 2));
  put32(v, o + SLOT_LBA_LO, v.getUint32(c + 6));
  put32(v, o + SLOT_LENGTH, v.getUint32(c + 10));
  put32(v, o + SLOT_FLAGS, v.getUint8(c + 14) & 1 ? FLAG_PMI : 0);
  return sa === SA_READ_CAPACITY_16 ? OK : fault(1, 4);
};
var encodeReportLuns = (v, o, c) => {
  v.setUint8(c + 2, v.getUint8(o + SLOT_PARAM));
  v.setUint32(c + 6, u32(v, o + SLOT_LENGTH));
};
var decodeReportLuns = (v, o, c) => {
  const length = v.getUint32(c + 6);
  v.setUint8(o + SLOT_PARAM, v.getUint8(c + 2));
  put32(v, o + SLOT_LENGTH, length);
  return length < 16 ? fault(6, NO_BIT_PTR) : OK;
};
var encodeMaintenanceIn = (v, o, c) => {
  v.setUint8(c + 1, (v.getUint8(o + SLOT_PARAM) & 7) << 5 | v.getUint8(o + SLOT_SA) & 31);
  v.setUint32(c + 6, u32(v, o + SLOT_LENGTH));
};
var decodeMaintenanceIn = (v, o, c) => {
  const b1 = v.getUint8(c + 1);
  v.setUint8(o + SLOT_SA, b1 & 31);
  v.setUint8(o + SLOT_PARAM, b1 >> 5);
  put32(v, o + SLOT_LENGTH, v.getUint32(c + 6));
  if ((b1 & 31) !== SA_REPORT_TARGET_PORT_GROUPS) return fault(1, 4);
  return b1 >> 5 > 1 ? fault(1, 7) : OK;
};
var encodeMaintenanceOut = (v, o, c) => {
  v.setUint8(c + 1, v.getUint8(o + SLOT_SA) & 31);
  v.setUint32(c + 6, u32(v, o + SLOT_LENGTH));
};
var decodeMaintenanceOut = (v, o, c) => {
  const sa = v.getUint8(c + 1) & 31;
  v.setUint8(o + SLOT_SA, sa);
  put32(v, o + SLOT_LENGTH, v.getUint32(c + 6));
  return sa === SA_SET_TARGET_PORT_GROUPS ? OK : fault(1, 4);
};
var COMMANDS = new Array(256).fill(void 0);
COMMANDS[OP_TEST_UNIT_READY] = [encodeNothing, decodeNothing];
COMMANDS[OP_REQUEST_SENSE] = [encodeRequestSense, decodeRequestSense];
COMMANDS[OP_START_STOP_UNIT] = [encodeStartStopUnit, decodeStartStopUnit];
COMMANDS[OP_INQUIRY] = [encodeInquiry, decodeInquiry];
COMMANDS[OP_MODE_SENSE_6] = [encodeModeSense6, decodeModeSense6];
COMMANDS[OP_READ_CAPACITY_10] = [encodeReadCapacity10, decodeReadCapacity10];
COMMANDS[OP_READ_10] = COMMANDS[OP_WRITE_10] = [encodeRw10, decodeRw10];
COMMANDS[OP_SYNCHRONIZE_CACHE_10] = [encodeSyncCache10, decodeSyncCache10];
COMMANDS[OP_MODE_SENSE_10] = [encodeModeSense10, decodeModeSense10];
COMMANDS[OP_READ_16] = COMMANDS[OP_WRITE_16] = [encodeRw16, decodeRw16];
COMMANDS[OP_SERVICE_ACTION_IN_16] = [encodeServiceActionIn16, decodeServiceActionIn16];
COMMANDS[OP_REPORT_LUNS] = [encodeReportLuns, decodeReportLuns];
COMMANDS[OP_MAINTENANCE_IN] = [encodeMaintenanceIn, decodeMaintenanceIn];
COMMANDS[OP_MAINTENANCE_OUT] = [encodeMaintenanceOut, decodeMaintenanceOut];
function encodeSlot(v, o) {
  const c = o + SLOT_CDB;
  const op = v.getUint8(o + SLOT_OPCODE);
  const command = COMMANDS[op];
  for (let i = 0; i < 16; i += 4) v.setUint32(c + i, 0);
  if (!command) {
    v.setUint8(o + SLOT_CDB_LEN, 0);
    v.setUint8(o + SLOT_RESULT, RESULT_BAD_OPCODE);
    return;
  }
  const length = cdbLengthOf(op);
  v.setUint8(c, op);
  command[0](v, o, c);
  v.setUint8(c + length - 1, v.getUint8(o + SLOT_CONTROL));
  v.setUint8(o + SLOT_CDB_LEN, length);
  v.setUint8(o + SLOT_RESULT, RESULT_OK);
}
function clearFields(v, o) {
  for (let i = 0; i < SLOT_CONTROL; i += 4) v.setUint32(o + i, 0);
  v.setUint8(o + SLOT_CONTROL, 0);
}
function decodeSlot(v, o) {
  const c = o + SLOT_CDB;
  const op = v.getUint8(c);
  const command = COMMANDS[op];
  const length = cdbLengthOf(op);
  clearFields(v, o);
  v.setUint8(o + SLOT_OPCODE, op);
  v.setUint8(o + SLOT_CDB_LEN, length);
  if (!command) {
    v.setUint8(o + SLOT_RESULT, RESULT_BAD_OPCODE);
    v.setUint8(o + SLOT_BIT_PTR, NO_BIT_PTR);
    return;
  }
  const control = v.getUint8(c + length - 1);
  v.setUint8(o + SLOT_CONTROL, control);
  let bad = command[1](v, o, c);
  if (bad === OK && control & NACA) bad = fault(length - 1, 2);
  if (bad !== OK) {
    v.setUint8(o + SLOT_RESULT, RESULT_BAD_FIELD);
    v.setUint16(o + SLOT_FIELD_PTR, bad >> 8, true);
    v.setUint8(o + SLOT_BIT_PTR, bad & 255);
  }
}

// src/stack/scsi/sense-codec.ts
var FIXED_LENGTH = 18;
var DESCRIPTOR_HEADER = 8;
var INFO_DESCRIPTOR = 0;
var SKS_DESCRIPTOR = 2;
var isDescriptor = (response) => (response & 254) === 114;
function sksByte0(v, o) {
  const bit = v.getUint8(o + SENSE_BIT_PTR);
  return 128 | (v.getUint8(o + SENSE_CD) ? 64 : 0) | (bit < 8 ? 8 | bit : 0);
}
function encodeSenseSlot(v, o) {
  const out = o + SENSE_OUT;
  for (let i = 0; i < SENSE_OUT_MAX; i += 4) v.setUint32(out + i, 0);
  const response = v.getUint8(o + SENSE_RESPONSE);
  const deferred = response & 1;
  const key = v.getUint8(o + SENSE_KEY) & 15;
  const infoValid = v.getUint8(o + SENSE_INFO_VALID) !== 0;
  const sksValid = v.getUint8(o + SENSE_SKS_VALID) !== 0;
  const infoLo = v.getUint32(o + SENSE_INFO_LO, true);
  const infoHi = v.getUint32(o + SENSE_INFO_HI, true);
  const fieldPtr = v.getUint16(o + SENSE_FIELD_PTR, true);
  let length;
  if (isDescriptor(response)) {
    v.setUint8(out, 114 | deferred);
    v.setUint8(out + 1, key);
    v.setUint8(out + 2, v.getUint8(o + SENSE_ASC));
    v.setUint8(out + 3, v.getUint8(o + SENSE_ASCQ));
    length = DESCRIPTOR_HEADER;
    if (infoValid) {
      v.setUint32(out + length, INFO_DESCRIPTOR << 24 | 688128);
      v.setUint32(out + length + 4, infoHi);
      v.setUint32(out + length + 8, infoLo);
      length += 12;
    }
    if (sksValid) {
      v.setUint16(out + length, SKS_DESCRIPTOR << 8 | 6);
      v.setUint8(out + length + 4, sksByte0(v, o));
      v.setUint16(out + length + 5, fieldPtr);
      length += 8;
    }
    v.setUint8(out + 7, length - DESCRIPTOR_HEADER);
  } else {
    v.setUint8(out, (infoValid && infoHi === 0 ? 128 : 0) | 112 | deferred);
    v.setUint8(out + 2, key);
    if (infoValid) v.setUint32(out + 3, infoLo);
    v.setUint8(out + 7, FIXED_LENGTH - 8);
    v.setUint8(out + 12, v.getUint8(o + SENSE_ASC));
    v.setUint8(out + 13, v.getUint8(o + SENSE_ASCQ));
    if (sksValid) {
      v.setUint8(out + 15, sksByte0(v, o));
      v.setUint16(out + 16, fieldPtr);
    }
    length = FIXED_LENGTH;
  }
  v.setUint8(o + SENSE_LEN, length);
}
function writeFields(v, o, p, result) {
  const b0 = p.sks < 0 ? 0 : v.getUint8(p.sks);
  const sksValid = b0 & 128;
  v.setUint8(o + SENSE_RESPONSE, p.response);
  v.setUint8(o + SENSE_KEY, p.key);
  v.setUint8(o + SENSE_ASC, p.asc);
  v.setUint8(o + SENSE_ASCQ, p.ascq);
  v.setUint8(o + SENSE_INFO_VALID, p.infoValid);
  v.setUint8(o + SENSE_SKS_VALID, sksValid ? 1 : 0);
  v.setUint8(o + SENSE_CD, sksValid && b0 & 64 ? 1 : 0);
  v.setUint8(o + SENSE_BIT_PTR, sksValid && b0 & 8 ? b0 & 7 : NO_BIT_PTR);
  v.setUint16(o + SENSE_FIELD_PTR, sksValid ? v.getUint16(p.sks + 1) : 0, true);
  v.setUint8(o + SENSE_RESULT, result);
  v.setUint32(o + SENSE_INFO_LO, p.infoLo, true);
  v.setUint32(o + SENSE_INFO_HI, p.infoHi, true);
}
var NOT_SENSE = { response: 0, key: 0, asc: 0, ascq: 0, infoValid: 0, infoLo: 0, infoHi: 0, sks: -1 };
function decodeSenseSlot(v, o) {
  const b = o + SENSE_OUT;
  const n = Math.min(v.getUint8(o + SENSE_LEN), SENSE_OUT_MAX);
  const response = v.getUint8(b) & 127;
  if (n < 8 || response < 112 || response > 115) {
    writeFields(v, o, NOT_SENSE, 1);
    return;
  }
  const end = Math.min(n, 8 + v.getUint8(b + 7));
  if (!isDescriptor(response)) {
    writeFields(v, o, {
      response,
      key: v.getUint8(b + 2) & 15,
      asc: end > 12 ? v.getUint8(b + 12) : 0,
      ascq: end > 13 ? v.getUint8(b + 13) : 0,
      infoValid: v.getUint8(b) >> 7,
      infoLo: v.getUint32(b + 3),
      infoHi: 0,
      sks: end >= FIXED_LENGTH ? b + 15 : -1
    }, 0);
    return;
  }
  const p = {
    response,
    key: v.getUint8(b + 1) & 15,
    asc: v.getUint8(b + 2),
    ascq: v.getUint8(b + 3),
    infoValid: 0,
    infoLo: 0,
    infoHi: 0,
    sks: -1
  };
  let sawInfo = false;
  for (let d = DESCRIPTOR_HEADER; d + 2 <= end; ) {
    const type = v.getUint8(b + d);
    const length = v.getUint8(b + d + 1);
    if (d + 2 + length > end) break;
    if (type === INFO_DESCRIPTOR && length >= 10 && !sawInfo) {
      sawInfo = true;
      p.infoValid = v.getUint8(b + d + 2) >> 7;
      p.infoHi = v.getUint32(b + d + 4);
      p.infoLo = v.getUint32(b + d + 8);
    } else if (type === SKS_DESCRIPTOR && length >= 6 && p.sks < 0) {
      p.sks = b + d + 4;
    }
    d += 2 + length;
  }
  writeFields(v, o, p, 0);
}

// src/stack/scsi/cdb-codec.ts
function checkRange(first, count, max) {
  if (!(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count >= 0 && first + count <= max)) {
    throw new RangeError(`slots ${first}..${first + count - 1} are outside 0..${max - 1}`);
  }
}
var TsCdbCodec = class {
  kind = "typescript";
  bytes;
  view;
  slotsOffset = 0;
  senseOffset = CDB_SLOT_SIZE * CDB_MAX_SLOTS;
  constructor() {
    const buffer = new ArrayBuffer(CDB_SLOT_SIZE * CDB_MAX_SLOTS + SENSE_SLOT_SIZE * SENSE_MAX_SLOTS);
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }
  encode(first, count) {
    checkRange(first, count, CDB_MAX_SLOTS);
    for (let i = first; i < first + count; i++) encodeSlot(this.view, this.slotsOffset + i * CDB_SLOT_SIZE);
  }
  decode(first, count) {
    checkRange(first, count, CDB_MAX_SLOTS);
    for (let i = first; i < first + count; i++) decodeSlot(this.view, this.slotsOffset + i * CDB_SLOT_SIZE);
  }
  encodeSense(first, count) {
    checkRange(first, count, SENSE_MAX_SLOTS);
    for (let i = first; i < first + count; i++) encodeSenseSlot(this.view, this.senseOffset + i * SENSE_SLOT_SIZE);
  }
  decodeSense(first, count) {
    checkRange(first, count, SENSE_MAX_SLOTS);
    for (let i = first; i < first + count; i++) decodeSenseSlot(this.view, this.senseOffset + i * SENSE_SLOT_SIZE);
  }
};
function wasmCdbCodec(instance) {
  const x = instance.exports;
  const buffer = x.memory.buffer;
  return {
    kind: "wasm",
    bytes: new Uint8Array(buffer),
    view: new DataView(buffer),
    slotsOffset: x.slots(),
    senseOffset: x.senseSlots(),
    encode(first, count) {
      checkRange(first, count, CDB_MAX_SLOTS);
      x.encode(first, count);
    },
    decode(first, count) {
      checkRange(first, count, CDB_MAX_SLOTS);
      x.decode(first, count);
    },
    encodeSense(first, count) {
      checkRange(first, count, SENSE_MAX_SLOTS);
      x.encodeSense(first, count);
    },
    decodeSense(first, count) {
      checkRange(first, count, SENSE_MAX_SLOTS);
      x.decodeSense(first, count);
    }
  };
}

// src/stack/memory/sgcopy.ts
var PAGE_SIZE = 65536;
var TsSgCopy = class {
  constructor(initialPages = 32, maxPages = 65536) {
    this.maxPages = maxPages;
    this.arena = new ArrayBuffer(initialPages * PAGE_SIZE);
    this.bytes = new Uint8Array(this.arena);
    this.dv = new DataView(this.arena);
  }
  maxPages;
  kind = "typescript";
  /** Same as the wasm module's, so one arena layout fits both implementations. */
  heapBase = PAGE_SIZE;
  arena;
  bytes;
  dv;
  buffer() {
    return this.arena;
  }
  grow(pages) {
    const pagesNow = this.arena.byteLength / PAGE_SIZE;
    if (!(pages >= 0 && pagesNow + pages <= this.maxPages)) {
      throw new RangeError(`sgcopy: cannot grow ${pagesNow} pages by ${pages} (max ${this.maxPages})`);
    }
    const old = this.arena;
    this.arena = new ArrayBuffer(old.byteLength + pages * PAGE_SIZE);
    this.bytes = new Uint8Array(this.arena);
    this.bytes.set(new Uint8Array(old));
    this.dv = new DataView(this.arena);
    structuredClone(old, { transfer: [old] });
  }
  run(jobs, count) {
    let total = 0;
    for (let i = 0; i < count; i++) total = total + this.runJob(jobs + i * JOB_SIZE) >>> 0;
    return total;
  }
  // One job, walking the SG list and the extent table side by side. Both are read lazily, piece by
  // piece, exactly as the wasm module does, so a job that stops early touches nothing further.
  // (The module also has a one-piece shortcut for speed; its results are the same.)
  runJob(job) {
    const dv = this.dv;
    const dir = dv.getUint32(job + JOB_DIR, true);
    let sg = dv.getUint32(job + JOB_SGL, true);
    const sgEnd = sg + dv.getUint32(job + JOB_NSEG, true) * SG_ENTRY_SIZE;
    let ext = dv.getUint32(job + JOB_EXTENTS, true);
    let off = dv.getUint32(job + JOB_OFFSET, true);
    let left = dv.getUint32(job + JOB_BYTES, true);
    const extSize = dv.getUint32(job + JOB_EXTENT_SIZE, true);
    let done = 0;
    if (dir !== DIR_TO_SGL && dir !== DIR_FROM_SGL || extSize === 0) left = 0;
    if (off >= extSize && left !== 0) {
      ext += Math.floor(off / extSize) * 4;
      off %= extSize;
    }
    let guest = 0;
    let guestLeft = 0;
    while (left !== 0) {
      if (guestLeft === 0) {
        if (sg === sgEnd) break;
        guest = dv.getUint32(sg + SG_ADDR, true);
        guestLeft = dv.getUint32(sg + SG_LEN, true);
        sg += SG_ENTRY_SIZE;
        continue;
      }
      if (off === extSize) {
        ext += 4;
        off = 0;
      }
      const n = Math.min(left, guestLeft, extSize - off);
      const base = dv.getUint32(ext, true);
      if (dir === DIR_TO_SGL) {
        if (base === 0) this.fill(guest, 0, n);
        else this.copy(guest, base + off, n);
      } else {
        if (base === 0) break;
        this.copy(base + off, guest, n);
      }
      guest += n;
      guestLeft -= n;
      off += n;
      left -= n;
      done += n;
    }
    dv.setUint32(job + JOB_DONE, done, true);
    return done;
  }
  // copyWithin and fill clamp out-of-range arguments silently; wasm traps. Throw instead, so a bad
  // address fails loudly in both implementations.
  copy(dst, src, len) {
    this.check(dst, len);
    this.check(src, len);
    this.bytes.copyWithin(dst, src, src + len);
  }
  fill(dst, value, len) {
    this.check(dst, len);
    this.bytes.fill(value, dst, dst + len);
  }
  check(addr, len) {
    if (addr + len > this.arena.byteLength) {
      throw new RangeError(`sgcopy: ${len} bytes at ${addr} run past the arena (${this.arena.byteLength} bytes)`);
    }
  }
};
function wasmSgCopy(instance) {
  const ex = instance.exports;
  return {
    kind: "wasm",
    heapBase: ex.heapBase(),
    buffer: () => ex.memory.buffer,
    grow: (pages) => {
      ex.memory.grow(pages);
    },
    run: (jobs, count) => ex.run(jobs, count) >>> 0,
    // the u32 total arrives as a signed i32
    copy: ex.copy,
    fill: ex.fill
  };
}

// asm/ioqueue/layout.ts
var REQ_SIZE = 12;
var REQ_FLOW = 0;
var REQ_SLOT = 4;
var REQ_COST = 8;
var RING_EMPTY = -1;
var MAX_FLOWS = 64;
var RING_HEAD = 0;
var RING_COUNT = 4;
var RING_CAP = 8;
var RING_RESERVED = 12;
var RING_DATA = 16;
var SCHED_FLOWS = 0;
var SCHED_CAP = 4;
var SCHED_QUEUED = 8;
var SCHED_RESERVED = 12;
var SCHED_VTIME = 16;
var SCHED_MAX_FINISH = 24;
var SCHED_HDR = 32;
var FLOW_HEAD = 0;
var FLOW_COUNT = 4;
var FLOW_SHARES = 8;
var FLOW_RESERVED = 12;
var FLOW_LAST_FINISH = 16;
var FLOW_SIZE = 24;
var ENTRY_SLOT = 0;
var ENTRY_START = 8;
var ENTRY_SIZE = 16;

// src/stack/queue/ring.ts
function ringBytes(capacity) {
  return Math.ceil((RING_DATA + capacity * 4) / 8) * 8;
}
function ringInit(dv, ptr, capacity) {
  dv.setUint32(ptr + RING_HEAD, 0, true);
  dv.setUint32(ptr + RING_COUNT, 0, true);
  dv.setUint32(ptr + RING_CAP, capacity, true);
  dv.setUint32(ptr + RING_RESERVED, 0, true);
}
function ringPush(dv, ptr, value) {
  const count = dv.getUint32(ptr + RING_COUNT, true);
  const cap = dv.getUint32(ptr + RING_CAP, true);
  if (count >= cap) return 0;
  const tail = (dv.getUint32(ptr + RING_HEAD, true) + count) % cap;
  dv.setUint32(ptr + RING_DATA + tail * 4, value, true);
  dv.setUint32(ptr + RING_COUNT, count + 1, true);
  return 1;
}
function ringPop(dv, ptr) {
  const count = dv.getUint32(ptr + RING_COUNT, true);
  if (count === 0) return RING_EMPTY;
  const head = dv.getUint32(ptr + RING_HEAD, true);
  const value = dv.getInt32(ptr + RING_DATA + head * 4, true);
  dv.setUint32(ptr + RING_HEAD, (head + 1) % dv.getUint32(ptr + RING_CAP, true), true);
  dv.setUint32(ptr + RING_COUNT, count - 1, true);
  return value;
}
function ringCount(dv, ptr) {
  return dv.getInt32(ptr + RING_COUNT, true);
}
function ringPushMany(dv, ptr, src, n) {
  let k = 0;
  while (k < n && ringPush(dv, ptr, dv.getUint32(src + k * 4, true))) k++;
  return k;
}
function ringPopMany(dv, ptr, dst, max) {
  let k = 0;
  while (k < max && ringCount(dv, ptr) > 0) {
    dv.setInt32(dst + k * 4, ringPop(dv, ptr), true);
    k++;
  }
  return k;
}

// src/stack/queue/sfq.ts
var clampFlows = (flows) => Math.min(Math.max(flows, 0), MAX_FLOWS);
var flowRecord = (ptr, flow) => ptr + SCHED_HDR + flow * FLOW_SIZE;
function entry(dv, ptr, flow, index) {
  const flows = dv.getUint32(ptr + SCHED_FLOWS, true);
  const cap = dv.getUint32(ptr + SCHED_CAP, true);
  return ptr + SCHED_HDR + flows * FLOW_SIZE + (flow * cap + index) * ENTRY_SIZE;
}
function schedBytes(flows, capacityPerFlow) {
  const n = clampFlows(flows);
  return SCHED_HDR + n * FLOW_SIZE + n * capacityPerFlow * ENTRY_SIZE;
}
function schedInit(dv, ptr, flows, capacityPerFlow) {
  const n = clampFlows(flows);
  dv.setUint32(ptr + SCHED_FLOWS, n, true);
  dv.setUint32(ptr + SCHED_CAP, capacityPerFlow, true);
  dv.setUint32(ptr + SCHED_QUEUED, 0, true);
  dv.setUint32(ptr + SCHED_RESERVED, 0, true);
  dv.setFloat64(ptr + SCHED_VTIME, 0, true);
  dv.setFloat64(ptr + SCHED_MAX_FINISH, 0, true);
  for (let f = 0; f < n; f++) {
    const fl = flowRecord(ptr, f);
    dv.setUint32(fl + FLOW_HEAD, 0, true);
    dv.setUint32(fl + FLOW_COUNT, 0, true);
    dv.setUint32(fl + FLOW_SHARES, 1, true);
    dv.setUint32(fl + FLOW_RESERVED, 0, true);
    dv.setFloat64(fl + FLOW_LAST_FINISH, 0, true);
  }
}
function schedSetShares(dv, ptr, flow, shares) {
  if (flow >>> 0 >= dv.getUint32(ptr + SCHED_FLOWS, true)) return;
  dv.setUint32(flowRecord(ptr, flow) + FLOW_SHARES, Math.max(shares | 0, 1), true);
}
function schedEnqueue(dv, ptr, reqs, n) {
  const flows = dv.getUint32(ptr + SCHED_FLOWS, true);
  const cap = dv.getUint32(ptr + SCHED_CAP, true);
  const v = dv.getFloat64(ptr + SCHED_VTIME, true);
  let accepted = 0;
  for (; accepted < n; accepted++) {
    const req = reqs + accepted * REQ_SIZE;
    const flow = dv.getUint32(req + REQ_FLOW, true);
    if (flow >= flows) break;
    const fl = flowRecord(ptr, flow);
    const count = dv.getUint32(fl + FLOW_COUNT, true);
    if (count >= cap) break;
    const start = Math.max(v, dv.getFloat64(fl + FLOW_LAST_FINISH, true));
    const finish = start + dv.getUint32(req + REQ_COST, true) / dv.getUint32(fl + FLOW_SHARES, true);
    dv.setFloat64(fl + FLOW_LAST_FINISH, finish, true);
    if (finish > dv.getFloat64(ptr + SCHED_MAX_FINISH, true)) dv.setFloat64(ptr + SCHED_MAX_FINISH, finish, true);
    const e = entry(dv, ptr, flow, (dv.getUint32(fl + FLOW_HEAD, true) + count) % cap);
    dv.setUint32(e + ENTRY_SLOT, dv.getUint32(req + REQ_SLOT, true), true);
    dv.setFloat64(e + ENTRY_START, start, true);
    dv.setUint32(fl + FLOW_COUNT, count + 1, true);
  }
  dv.setUint32(ptr + SCHED_QUEUED, dv.getUint32(ptr + SCHED_QUEUED, true) + accepted, true);
  return accepted;
}
function schedDispatch(dv, ptr, out, max) {
  const flows = dv.getUint32(ptr + SCHED_FLOWS, true);
  const cap = dv.getUint32(ptr + SCHED_CAP, true);
  let k = 0;
  for (; k < max && schedQueued(dv, ptr) > 0; k++) {
    let best2 = -1;
    let bestStart = Infinity;
    for (let f = 0; f < flows; f++) {
      const fl2 = flowRecord(ptr, f);
      if (dv.getUint32(fl2 + FLOW_COUNT, true) === 0) continue;
      const start = dv.getFloat64(entry(dv, ptr, f, dv.getUint32(fl2 + FLOW_HEAD, true)) + ENTRY_START, true);
      if (start < bestStart) {
        bestStart = start;
        best2 = f;
      }
    }
    const fl = flowRecord(ptr, best2);
    const head = dv.getUint32(fl + FLOW_HEAD, true);
    dv.setUint32(out + k * 4, dv.getUint32(entry(dv, ptr, best2, head) + ENTRY_SLOT, true), true);
    dv.setUint32(fl + FLOW_HEAD, (head + 1) % cap, true);
    dv.setUint32(fl + FLOW_COUNT, dv.getUint32(fl + FLOW_COUNT, true) - 1, true);
    dv.setUint32(ptr + SCHED_QUEUED, schedQueued(dv, ptr) - 1, true);
    dv.setFloat64(ptr + SCHED_VTIME, bestStart, true);
  }
  if (schedQueued(dv, ptr) === 0) dv.setFloat64(ptr + SCHED_VTIME, dv.getFloat64(ptr + SCHED_MAX_FINISH, true), true);
  return k;
}
function schedQueued(dv, ptr) {
  return dv.getInt32(ptr + SCHED_QUEUED, true);
}

// src/stack/queue/ioqueue.ts
var PAGE_SIZE2 = 65536;
var TsIoQueue = class {
  constructor(initialPages = 2, maxPages = 65536) {
    this.maxPages = maxPages;
    this.dv = new DataView(new ArrayBuffer(initialPages * PAGE_SIZE2));
  }
  maxPages;
  kind = "typescript";
  dv;
  // Like the wasm module: its first page is static data, reservations start above it.
  top = PAGE_SIZE2;
  reserve(bytes) {
    const ptr = this.top;
    const end = ptr + Math.ceil((bytes >>> 0) / 8) * 8;
    if (end > 2 ** 32) return 0;
    if (end > this.dv.byteLength) {
      const pages = Math.ceil(end / PAGE_SIZE2);
      if (pages > this.maxPages) return 0;
      const old = this.dv.buffer;
      const next2 = new Uint8Array(pages * PAGE_SIZE2);
      next2.set(new Uint8Array(old));
      this.dv = new DataView(next2.buffer);
      structuredClone(old, { transfer: [old] });
    }
    this.top = end;
    return ptr;
  }
  view() {
    return this.dv;
  }
  ringBytes = ringBytes;
  ringInit(ptr, capacity) {
    ringInit(this.dv, ptr, capacity);
  }
  ringPush(ptr, value) {
    return ringPush(this.dv, ptr, value);
  }
  ringPop(ptr) {
    return ringPop(this.dv, ptr);
  }
  ringCount(ptr) {
    return ringCount(this.dv, ptr);
  }
  ringPushMany(ptr, src, n) {
    return ringPushMany(this.dv, ptr, src, n);
  }
  ringPopMany(ptr, dst, max) {
    return ringPopMany(this.dv, ptr, dst, max);
  }
  schedBytes = schedBytes;
  schedInit(ptr, flows, capacityPerFlow) {
    schedInit(this.dv, ptr, flows, capacityPerFlow);
  }
  schedSetShares(ptr, flow, shares) {
    schedSetShares(this.dv, ptr, flow, shares);
  }
  schedEnqueue(ptr, reqs, n) {
    return schedEnqueue(this.dv, ptr, reqs, n);
  }
  schedDispatch(ptr, out, max) {
    return schedDispatch(this.dv, ptr, out, max);
  }
  schedQueued(ptr) {
    return schedQueued(this.dv, ptr);
  }
};
function wasmIoQueue(instance) {
  const ex = instance.exports;
  let dv = new DataView(ex.memory.buffer);
  return {
    kind: "wasm",
    reserve: (bytes) => ex.reserve(bytes) >>> 0,
    // addresses past 2 GiB arrive as negative i32
    view: () => dv.buffer === ex.memory.buffer ? dv : dv = new DataView(ex.memory.buffer),
    ringBytes: ex.ringBytes,
    ringInit: ex.ringInit,
    ringPush: ex.ringPush,
    ringPop: ex.ringPop,
    ringCount: ex.ringCount,
    ringPushMany: ex.ringPushMany,
    ringPopMany: ex.ringPopMany,
    schedBytes: ex.schedBytes,
    schedInit: ex.schedInit,
    schedSetShares: ex.schedSetShares,
    schedEnqueue: ex.schedEnqueue,
    schedDispatch: ex.schedDispatch,
    schedQueued: ex.schedQueued
  };
}

// src/stack/wasm/load.ts
var moduleUrls = {
  cdb: () => new URL("../../../asm/build/cdb.wasm", import.meta.url),
  sgcopy: () => new URL("../../../asm/build/sgcopy.wasm", import.meta.url),
  ioqueue: () => new URL("../../../asm/build/ioqueue.wasm", import.meta.url)
};
async function readBytes(url) {
  if (url.protocol === "file:") {
    const fsModule = "node:fs/promises";
    const { readFile } = await import(
      /* @vite-ignore */
      fsModule
    );
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response.arrayBuffer();
}
async function loadWasm(name) {
  if (typeof WebAssembly !== "object") throw new Error("WebAssembly is not available here");
  const url = moduleUrls[name]();
  let bytes;
  try {
    bytes = await readBytes(url);
  } catch (e) {
    throw new Error(`asm/${name}: cannot read ${url.href} (run \`npm run asbuild\`): ${e.message}`);
  }
  const { instance } = await WebAssembly.instantiate(bytes, {});
  return instance;
}

// src/stack/engine.ts
function twins(reason) {
  return { engine: "typescript", reason, cdb: new TsCdbCodec(), sgcopy: new TsSgCopy(), ioqueue: new TsIoQueue() };
}
async function loadEngines(choice = "auto") {
  if (choice === "typescript") return twins("TypeScript twins requested");
  try {
    const [cdb, sgcopy, ioqueue] = await Promise.all([loadWasm("cdb"), loadWasm("sgcopy"), loadWasm("ioqueue")]);
    return { engine: "wasm", cdb: wasmCdbCodec(cdb), sgcopy: wasmSgCopy(sgcopy), ioqueue: wasmIoQueue(ioqueue) };
  } catch (e) {
    if (choice === "wasm") throw e;
    return twins(`WebAssembly could not load: ${e.message}`);
  }
}

// src/stack/fabric/adapter.ts
var HostAdapter = class {
  name;
  transport;
  driver;
  queueDepth;
  wwpn;
  wwnn;
  description;
  /** The adapter itself works (adapter failure sets this false). */
  up = true;
  /** The cable between the adapter and its fabric. */
  linkUp = true;
  /** Commands issued to targets and not yet completed (ACTV at the adapter). */
  outstanding = 0;
  targetNumbers = /* @__PURE__ */ new Map();
  constructor(config2) {
    this.name = config2.name;
    this.transport = config2.transport;
    this.driver = config2.driver;
    this.queueDepth = config2.queueDepth;
    this.wwpn = config2.wwpn ?? "";
    this.wwnn = config2.wwnn ?? "";
    this.description = config2.description ?? "";
  }
  get usable() {
    return this.up && this.linkUp;
  }
  /** Adapter number: 1 for vmhba1. */
  get number() {
    return Number(this.name.slice(5));
  }
  /** The host's target number for a target port, assigned on first sight. */
  targetNumber(wwpn) {
    let n = this.targetNumbers.get(wwpn);
    if (n === void 0) this.targetNumbers.set(wwpn, n = this.targetNumbers.size);
    return n;
  }
  /** esxcli's adapter UID: fc.<WWNN>:<WWPN> for Fibre Channel, <transport>.<name> otherwise. */
  get uid() {
    if (this.transport === "fc") return `fc.${this.wwnn.replace(/:/g, "")}:${this.wwpn.replace(/:/g, "")}`;
    return `${this.transport}.${this.name}`;
  }
};

// src/stack/fabric/fabric.ts
var Fabric = class {
  constructor(name, adapters, targets, latencyUs) {
    this.name = name;
    this.adapters = adapters;
    this.targets = targets;
    this.latencyUs = latencyUs;
  }
  name;
  adapters;
  targets;
  latencyUs;
  up = true;
  /** Extra one-way latency injected by a fault (latency spike), in microseconds. */
  extraLatencyUs = 0;
  /** One-way latency now. */
  get delayUs() {
    return this.latencyUs + this.extraLatencyUs;
  }
  /** Whether `adapter` can reach `port` of `array` through this fabric right now. */
  connects(adapter, array, port) {
    return this.up && adapter.usable && array.up && port.reachable;
  }
};

// src/stack/memory/arena.ts
var PAGE = 65536;
var MIN_CLASS = 6;
var Arena = class {
  sg;
  top;
  freeLists = [];
  /** Views of the arena, replaced after each grow (growing a wasm memory detaches the old buffer). */
  u8;
  dv;
  constructor(sg) {
    this.sg = sg;
    this.top = sg.heapBase;
    this.u8 = new Uint8Array(sg.buffer());
    this.dv = new DataView(sg.buffer());
  }
  /** Reserves at least `bytes` bytes, zeroed, aligned to their size class (at most 64 KiB). */
  alloc(bytes) {
    const cls = sizeClass(bytes);
    const free = this.freeLists[cls];
    let addr = free?.pop();
    if (addr === void 0) {
      const size = 1 << cls;
      const align = Math.min(size, PAGE);
      addr = Math.ceil(this.top / align) * align;
      this.top = addr + size;
      const have = this.sg.buffer().byteLength;
      if (this.top > have) {
        this.sg.grow(Math.ceil((this.top - have) / PAGE));
        this.refresh();
      }
    }
    this.sg.fill(addr, 0, 1 << cls);
    return addr;
  }
  /** Returns a block from alloc(bytes) (same `bytes`) to its free list. */
  free(addr, bytes) {
    (this.freeLists[sizeClass(bytes)] ??= []).push(addr);
  }
  refresh() {
    this.u8 = new Uint8Array(this.sg.buffer());
    this.dv = new DataView(this.sg.buffer());
  }
};
function sizeClass(bytes) {
  if (!(bytes > 0) || bytes > 2 ** 30) throw new RangeError(`arena: cannot allocate ${bytes} bytes`);
  return Math.max(MIN_CLASS, 32 - Math.clz32(bytes - 1));
}

// src/stack/psa/stats.ts
var LATENCY_BUCKETS_US = [100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6];
var IoCounters = class {
  commands = 0;
  reads = 0;
  writes = 0;
  bytesRead = 0;
  bytesWritten = 0;
  /** Failed commands (completed with an error to the issuer). */
  failed = 0;
  /** Sums over completed commands, in microseconds: device (DAVG), kernel (KAVG), queue (QAVG). */
  deviceUs = 0;
  kernelUs = 0;
  queueUs = 0;
  /** Commands active below this point now (ACTV) and waiting in its queue (QUED). */
  active = 0;
  queued = 0;
  histogram = new Float64Array(LATENCY_BUCKETS_US.length + 1);
  /** Counts one completed command. */
  complete(isRead, isWrite, bytes, deviceUs, kernelUs, queueUs) {
    this.commands++;
    if (isRead) {
      this.reads++;
      this.bytesRead += bytes;
    } else if (isWrite) {
      this.writes++;
      this.bytesWritten += bytes;
    }
    this.deviceUs += deviceUs;
    this.kernelUs += kernelUs;
    this.queueUs += queueUs;
    const total = deviceUs + kernelUs;
    let b = 0;
    while (b < LATENCY_BUCKETS_US.length && total > LATENCY_BUCKETS_US[b]) b++;
    this.histogram[b]++;
  }
  snapshot() {
    return {
      commands: this.commands,
      reads: this.reads,
      writes: this.writes,
      bytesRead: this.bytesRead,
      bytesWritten: this.bytesWritten,
      failed: this.failed,
      deviceUs: this.deviceUs,
      kernelUs: this.kernelUs,
      queueUs: this.queueUs,
      active: this.active,
      queued: this.queued,
      histogram: Array.from(this.histogram)
    };
  }
};

// src/stack/psa/device.ts
function hex2(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
var LogicalDevice = class {
  constructor(owner, identity, lun, settings) {
    this.owner = owner;
    this.id = identity.deviceId;
    this.vendor = identity.vendor;
    this.model = identity.model;
    this.revision = identity.revision;
    this.blocks = identity.blocks;
    this.blockSize = identity.blockSize;
    this.queueDepth = settings.queueDepth;
    this.schedNumReqOutstanding = Math.min(settings.schedNumReqOutstanding, settings.queueDepth);
    if (identity.naa) {
      const product = Array.from(identity.model.padEnd(6).slice(0, 6), (c) => c.charCodeAt(0));
      this.vmlId = `vml.0200${lun.toString(16).padStart(2, "0")}0000${hex2(identity.naa)}${hex2(Uint8Array.from(product))}`;
    }
  }
  owner;
  id;
  vendor;
  model;
  revision;
  /** Capacity, from the first path whose READ CAPACITY answered (a passive path does not). */
  blocks;
  blockSize;
  /** The legacy vml. alias: 02, 00, LUN, 00, the NAA id, then the product's first 6 bytes in hex. */
  vmlId;
  /** Identifiers the owning plugin adds (e.g. NMP's). */
  pluginIds = [];
  paths = [];
  /** DQLEN: commands the device accepts at once. */
  queueDepth;
  /** Disk.SchedNumReqOutstanding for this device: the limit when more than one world issues I/O. */
  schedNumReqOutstanding;
  /** Commands handed to the owning plugin and not yet complete (ACTV). */
  outstanding = 0;
  /** Worlds (VM disks) that have ever issued to the device: the scheduler's flows. */
  worlds = [];
  /** Worlds with commands queued or active now; DSNRO applies when more than one. */
  activeWorlds = 0;
  /** Commands queued or active per flow (world), to count activeWorlds. */
  flowCounts = [];
  /** Address of the device's shares scheduler in the ioqueue module. */
  scheduler = 0;
  /** VMs or lab jobs holding the device open; an open device pins its plugin. */
  openCount = 0;
  status = "on";
  /** Permanent device loss was seen on every path. */
  permanentlyLost = false;
  counters = new IoCounters();
  /** Takes the capacity from a path's identity if the device does not know it yet. */
  learnCapacity(identity) {
    if (this.blocks === 0 && identity.blocks > 0) {
      this.blocks = identity.blocks;
      this.blockSize = identity.blockSize;
    }
  }
  get capacityBytes() {
    return this.blocks * this.blockSize;
  }
  /** esxcli's Display Name: vendor, transport and id, as "PATHLAB Fibre Channel Disk (naa....)". */
  get displayName() {
    const transport = this.paths[0]?.adapterRef.transport;
    const kind = transport === "fc" ? "Fibre Channel Disk" : transport === "iscsi" ? "iSCSI Disk" : "Local " + this.vendor.trim() + " Disk";
    return transport === "fc" || transport === "iscsi" ? `${this.vendor} ${kind} (${this.id})` : `${kind} (${this.id})`;
  }
  get isLocal() {
    return this.paths.every((p) => p.adapterRef.transport !== "fc" && p.adapterRef.transport !== "iscsi");
  }
  /** How many commands the device queue admits now: DQLEN, or DSNRO while worlds compete. */
  get limit() {
    return this.activeWorlds > 1 ? this.schedNumReqOutstanding : this.queueDepth;
  }
  /** The scheduler flow of a world, registering it on first use. */
  flowOf(world) {
    let flow = this.worlds.indexOf(world);
    if (flow < 0) flow = this.worlds.push(world) - 1;
    return flow;
  }
};

// src/stack/psa/path.ts
var pathStateVersion = 0;
var PathImpl = class {
  constructor(adapterRef, fabric, array, port, targetNumber, lun, identity) {
    this.adapterRef = adapterRef;
    this.fabric = fabric;
    this.array = array;
    this.port = port;
    this.targetNumber = targetNumber;
    this.lun = lun;
    this.identity = identity;
    this.name = `${adapterRef.name}:C0:T${targetNumber}:L${lun}`;
    const counters = this.counters;
    this.stats = {
      get ios() {
        return counters.commands;
      },
      get bytes() {
        return counters.bytesRead + counters.bytesWritten;
      },
      get avgLatencyUs() {
        return counters.commands > 0 ? counters.deviceUs / counters.commands : 0;
      }
    };
  }
  adapterRef;
  fabric;
  array;
  port;
  targetNumber;
  lun;
  identity;
  name;
  stateValue = "active";
  aluaValue = "none";
  preferred = false;
  outstanding = 0;
  /** The owning plugin currently routes I/O on this path ("Active (I/O)"). */
  working = false;
  /** Name of the plugin that claimed the path; undefined while unclaimed. */
  owner;
  counters = new IoCounters();
  stats;
  get state() {
    return this.stateValue;
  }
  set state(value) {
    if (value !== this.stateValue) pathStateVersion++;
    this.stateValue = value;
  }
  get alua() {
    return this.aluaValue;
  }
  set alua(value) {
    if (value !== this.aluaValue) pathStateVersion++;
    this.aluaValue = value;
  }
  get adapter() {
    return this.adapterRef.name;
  }
  get target() {
    return this.port.wwpn;
  }
  /** Where this path reaches, independent of numbering: adapter, target port and LUN. */
  get key() {
    return `${this.adapterRef.name}|${this.port.wwpn}|${this.lun}`;
  }
  /** esxcli's path UID: <adapter id>-<target id>-<device id>. */
  get uid() {
    return `${this.adapterRef.uid}-${this.targetUid}-${this.identity.deviceId}`;
  }
  get targetUid() {
    const wwpn = this.port.wwpn.replace(/:/g, "");
    return this.adapterRef.transport === "fc" ? `fc.${this.targetWwnn.replace(/:/g, "")}:${wwpn}` : `${this.adapterRef.transport}.${wwpn}`;
  }
  /** The target's node name: the array's WWNN, derived from its first port's WWPN. */
  get targetWwnn() {
    return "5" + this.array.ports[0].wwpn.slice(1, -2) + "ff";
  }
  /** The path can carry I/O as far as the host can tell without sending any. */
  get connected() {
    return this.fabric.connects(this.adapterRef, this.array, this.port);
  }
};

// src/stack/nmp/nmp-device.ts
var NmpDevice = class {
  constructor(logical, hooks) {
    this.logical = logical;
    this.hooks = hooks;
  }
  logical;
  hooks;
  psp;
  satp;
  satpRule;
  /** PSP set with `esxcli storage nmp device set --psp`; survives until --default. */
  pspOverride;
  pspConfig = {};
  pspView;
  satpView;
  /** Commands waiting for a usable path. */
  waiting = [];
  /** Virtual time the device entered all-paths-down, or -1. */
  apdSince = -1;
  /** A path evaluation is running; callbacks waiting for it to end. */
  evaluating;
  /** Selections so far: working paths are those chosen in the last window of selections. */
  selections = 0;
  lastChosen = /* @__PURE__ */ new Map();
  get paths() {
    return this.logical.paths;
  }
  usable = [];
  usableVersion = -1;
  usableCount = -1;
  /** The path list changed (claim, removal): recompute the usable ones. */
  invalidate() {
    this.usableVersion = -1;
  }
  /** Paths a PSP may choose from: active ones, in runtime-name order (cached between changes). */
  usablePaths() {
    if (this.usableVersion !== pathStateVersion || this.usableCount !== this.paths.length) {
      this.usable = this.paths.filter((p) => p.state === "active");
      this.usableVersion = pathStateVersion;
      this.usableCount = this.paths.length;
    }
    return this.usable;
  }
  /** Installs a PSP with fresh state; its config keeps only keys given by `config`. */
  setPsp(psp, config2 = {}) {
    this.psp = psp;
    this.pspConfig = config2;
    const self = this;
    this.pspView = {
      id: this.logical.id,
      vendor: this.logical.vendor,
      model: this.logical.model,
      get paths() {
        return self.paths;
      },
      get pspConfig() {
        return self.pspConfig;
      },
      state: {},
      now: () => this.hooks.now()
    };
    this.lastChosen.clear();
  }
  setSatp(satp, rule) {
    this.satp = satp;
    this.satpRule = rule;
    const self = this;
    this.satpView = {
      id: this.logical.id,
      vendor: this.logical.vendor,
      model: this.logical.model,
      get paths() {
        return self.paths;
      },
      get pspConfig() {
        return self.pspConfig;
      },
      state: {},
      now: () => this.hooks.now(),
      send: (path, cdb, done, dataOut) => this.hooks.send(this, this.own(path), cdb, done, dataOut),
      setPathState: (path, state3, alua3) => {
        const p = this.own(path);
        if (p.state === "disabled") return;
        const changed = p.state !== state3 || alua3 !== void 0 && p.alua !== alua3;
        p.state = state3;
        if (alua3 !== void 0) p.alua = alua3;
        if (changed) this.hooks.pathStateChanged(this, p);
      }
    };
  }
  /** Working paths: usable ones the PSP chose within the last window of selections. */
  workingPaths() {
    const window = 256;
    return this.paths.filter((p) => p.state === "active" && (this.lastChosen.get(p) ?? -Infinity) > this.selections - window);
  }
  own(path) {
    const p = this.paths.find((x) => x === path || x.name === path.name);
    if (!p) throw new Error(`${path.name} is not a path of ${this.logical.id}`);
    return p;
  }
};

// src/stack/nmp/psp/rank.ts
function rank(path) {
  if (path.alua === "AO" || path.alua === "none") return 0;
  return path.alua === "ANO" ? 1 : 2;
}
function best(paths) {
  let chosen = paths[0];
  for (const p of paths) if (rank(p) < rank(chosen)) chosen = p;
  return chosen;
}
function byName(paths, name) {
  if (typeof name !== "string") return void 0;
  for (let i = 0; i < paths.length; i++) if (paths[i].name === name) return paths[i];
  return void 0;
}

// src/stack/nmp/psp/fixed.ts
function preferredName(device) {
  const st = device.state;
  return device.paths.find((p) => p.preferred)?.name ?? st.defacto;
}
var fixed = {
  name: "VMW_PSP_FIXED",
  description: "Fixed Path Selection",
  init(device) {
    const st = device.state;
    const working = device.paths.filter((p) => p.state === "active");
    if (!device.paths.some((p) => p.preferred) && !st.defacto && working.length > 0) st.defacto = best(working).name;
  },
  selectPath(_io, paths, device) {
    const st = device.state;
    const preferred = byName(paths, preferredName(device));
    let chosen = preferred;
    if (!chosen) {
      const current = byName(paths, st.current);
      const top = best(paths);
      chosen = current && rank(current) <= rank(top) ? current : top;
      if (!preferredName(device)) st.defacto = chosen.name;
    }
    st.current = chosen.name;
    return chosen;
  },
  describe(device) {
    const st = device.state;
    return `{preferred=${preferredName(device) ?? "none"};current=${st.current ?? "none"}}`;
  }
};
var fixed_default = fixed;

// src/stack/nmp/psp/mru.ts
var mru = {
  name: "VMW_PSP_MRU",
  description: "Most Recently Used Path Selection",
  selectPath(_io, paths, device) {
    const st = device.state;
    const current = byName(paths, st.current);
    const top = best(paths);
    const chosen = current && rank(current) <= rank(top) ? current : top;
    st.current = chosen.name;
    return chosen;
  },
  describe(device) {
    return `Current Path=${device.state.current ?? "none"}`;
  }
};
var mru_default = mru;

// src/stack/nmp/psp/round-robin.ts
var SLOW_FACTOR = 2;
function positive(v, fallback) {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
}
function flag2(v) {
  return v === true || v === 1 || v === "1" || v === "true" || v === "on" || v === "yes";
}
function config(device) {
  const c = device.pspConfig;
  const cache = device.state;
  const raw = cache.raw;
  if (raw !== void 0 && raw[0] === c.limitType && raw[1] === c.iops && raw[2] === c.bytes && raw[3] === c.useANO && raw[4] === c.latencyEvalTimeMs && raw[5] === c.samplingCycles) {
    return cache.cfg;
  }
  cache.raw = [c.limitType, c.iops, c.bytes, c.useANO, c.latencyEvalTimeMs, c.samplingCycles];
  return cache.cfg = parseConfig(c);
}
function parseConfig(c) {
  const type = String(c.limitType ?? "default").toLowerCase();
  const limitType = type === "bytes" || type === "latency" ? type : "iops";
  return {
    limitType,
    policy: type === "bytes" || type === "latency" || type === "iops" ? type : "rr",
    // esxcli prints rr for default
    iops: positive(c.iops, 1e3),
    bytes: positive(c.bytes, 10485760),
    useANO: flag2(c.useANO),
    evalTimeMs: positive(c.latencyEvalTimeMs, 18e4),
    cycles: positive(c.samplingCycles, 16)
  };
}
function state(device) {
  const s = device.state;
  if (s.pendingBytes === void 0) {
    Object.assign(s, { last: -1, ios: 0, bytes: 0, pendingBytes: {}, sampling: false, samples: {}, avgUs: {} });
  }
  return s;
}
function eligible(p, anyOptimized, useANO) {
  return useANO || !anyOptimized || rank(p) === 0;
}
function next(paths, device, st, anyOpt, useANO) {
  let first;
  for (const p of paths) {
    if (!eligible(p, anyOpt, useANO)) continue;
    first ??= p;
    if (indexOf(device, p.name) > st.last) return p;
  }
  return first ?? paths[0];
}
function indexOf(device, name) {
  const all = device.paths;
  for (let i = 0; i < all.length; i++) if (all[i].name === name) return i;
  return -1;
}
function latencyChoice(paths, device, st, cfg, anyOpt) {
  const now = device.now();
  let unsampled = false;
  for (const p of paths) if (eligible(p, anyOpt, cfg.useANO) && st.avgUs[p.name] === void 0) unsampled = true;
  const stale = st.evalStartUs === void 0 || now - st.evalStartUs >= cfg.evalTimeMs * 1e3;
  if (!st.sampling && (stale || unsampled)) {
    st.sampling = true;
    st.evalStartUs = now;
    st.samples = {};
  }
  if (st.sampling) {
    let pick2;
    let complete = true;
    for (const p of paths) {
      if (!eligible(p, anyOpt, cfg.useANO)) continue;
      const s = st.samples[p.name] ??= { sent: 0, done: 0, sumUs: 0 };
      if (s.done >= cfg.cycles) continue;
      complete = false;
      if (!pick2 || s.sent < st.samples[pick2.name].sent) pick2 = p;
    }
    if (!complete && pick2) {
      st.samples[pick2.name].sent++;
      return pick2;
    }
    finishSampling(st);
  }
  let fastest = Infinity;
  for (const p of paths) if (eligible(p, anyOpt, cfg.useANO)) fastest = Math.min(fastest, st.avgUs[p.name] ?? Infinity);
  let pick;
  let pickCost = Infinity;
  for (const p of paths) {
    const avg = st.avgUs[p.name];
    if (!eligible(p, anyOpt, cfg.useANO) || avg === void 0 || avg > fastest * SLOW_FACTOR) continue;
    const cost = avg * (1 + p.outstanding);
    if (cost < pickCost) {
      pick = p;
      pickCost = cost;
    }
  }
  return pick ?? next(paths, device, st, anyOpt, cfg.useANO);
}
function finishSampling(st) {
  st.sampling = false;
  st.avgUs = {};
  for (const [name, s] of Object.entries(st.samples)) if (s.done > 0) st.avgUs[name] = s.sumUs / s.done;
}
var roundRobin = {
  name: "VMW_PSP_RR",
  description: "Round Robin Path Selection",
  init(device) {
    state(device);
  },
  selectPath(io, paths, device) {
    const st = state(device);
    const cfg = config(device);
    let anyOpt = false;
    for (const p of paths) if (rank(p) === 0) anyOpt = true;
    let chosen;
    if (cfg.limitType === "latency") {
      chosen = latencyChoice(paths, device, st, cfg, anyOpt);
    } else {
      const current = byName(paths, st.current);
      const spent = cfg.limitType === "bytes" ? st.bytes >= cfg.bytes : st.ios >= cfg.iops;
      const keep = current !== void 0 && !spent && eligible(current, anyOpt, cfg.useANO);
      chosen = keep ? current : next(paths, device, st, anyOpt, cfg.useANO);
    }
    if (chosen.name !== st.current) {
      st.current = chosen.name;
      st.last = Math.max(0, indexOf(device, chosen.name));
      st.ios = 0;
      st.bytes = 0;
    }
    st.ios++;
    st.bytes += io.bytes;
    st.pendingBytes[chosen.name] = (st.pendingBytes[chosen.name] ?? 0) + io.bytes;
    return chosen;
  },
  completed(io, path, latencyUs, outcome, device) {
    const st = state(device);
    st.pendingBytes[path.name] = Math.max(0, (st.pendingBytes[path.name] ?? 0) - io.bytes);
    const sample = st.sampling ? st.samples[path.name] : void 0;
    if (sample && outcome.host === 0 && sample.done < config(device).cycles) {
      sample.done++;
      sample.sumUs += latencyUs;
    }
  },
  describe(device) {
    const st = state(device);
    const cfg = config(device);
    const current = byName(device.paths, st.current);
    const pending = current?.outstanding ?? 0;
    const useANO = cfg.useANO ? 1 : 0;
    if (cfg.limitType === "latency") {
      const cur = st.sampling ? Math.min(cfg.cycles, ...Object.values(st.samples).map((s) => s.done)) : cfg.cycles;
      const latencyMs = current ? Math.round((st.avgUs[current.name] ?? 0) / 1e3) : 0;
      return `{policy=latency,latencyEvalTime=${cfg.evalTimeMs},samplingCycles=${cfg.cycles},curSamplingCycle=${cur},useANO=${useANO}; CurrentPath=${st.current ?? "none"}: NumIOsPending=${pending},latency=${latencyMs}}`;
    }
    const bytesPending = st.current ? st.pendingBytes[st.current] ?? 0 : 0;
    return `{policy=${cfg.policy},iops=${cfg.iops},bytes=${cfg.bytes},useANO=${useANO}; lastPathIndex=${Math.max(0, st.last)}: NumIOsPending=${pending},numBytesPending=${bytesPending}}`;
  }
};
var round_robin_default = roundRobin;

// src/stack/nmp/psp/index.ts
var builtinPsps = [fixed_default, mru_default, round_robin_default];

// src/stack/nmp/satp/sense.ts
var Host = { OK: 0, NO_CONNECT: 1, TIMEOUT: 3, ABORT: 5, ERROR: 7, RESET: 8 };
var Scsi = { GOOD: 0, CHECK_CONDITION: 2, BUSY: 8, TASK_SET_FULL: 40 };
var Key = { NOT_READY: 2, MEDIUM_ERROR: 3, ILLEGAL_REQUEST: 5, UNIT_ATTENTION: 6 };
var TEST_UNIT_READY = [0, 0, 0, 0, 0, 0];
var isGood = (o) => o.host === Host.OK && o.status === Scsi.GOOD;
var isPathLoss = (o) => o.host === Host.NO_CONNECT || o.host === Host.TIMEOUT || o.host === Host.ABORT;
function isSense(o, key, asc, ascq) {
  return o.host === Host.OK && o.status === Scsi.CHECK_CONDITION && o.senseKey === key && o.asc === asc && (ascq === void 0 || o.ascq === ascq);
}
var isUnitAttention = (o) => o.host === Host.OK && o.status === Scsi.CHECK_CONDITION && o.senseKey === Key.UNIT_ATTENTION;
var isBusy = (o) => o.host === Host.OK && (o.status === Scsi.BUSY || o.status === Scsi.TASK_SET_FULL);
var isPdl = (o) => isSense(o, Key.ILLEGAL_REQUEST, 37, 0);
var isBecomingReady = (o) => isSense(o, Key.NOT_READY, 4, 1);
var isPassive = (o) => isSense(o, Key.NOT_READY, 4, 3) || isSense(o, Key.ILLEGAL_REQUEST, 4, 3) || isSense(o, Key.MEDIUM_ERROR, 4, 3);
var isTransitioning = (o) => isSense(o, Key.NOT_READY, 4, 10);

// src/stack/nmp/satp/probe.ts
function eachPath(paths, visit, done) {
  let pending = paths.length + 1;
  const one = () => {
    if (--pending === 0) done();
  };
  for (const path of paths) {
    let called = false;
    visit(path, () => {
      if (!called) {
        called = true;
        one();
      }
    });
  }
  one();
}
function sendOnce(device, path, cdb, done, dataOut) {
  device.send(path, cdb, (r) => isUnitAttention(r) ? device.send(path, cdb, done, dataOut) : done(r), dataOut);
}
var checkable = (device) => device.paths.filter((p) => p.state !== "disabled");
function turCheck(device, classify, done) {
  eachPath(checkable(device), (path, finished) => {
    sendOnce(device, path, TEST_UNIT_READY, (r) => {
      device.setPathState(path, classify(r));
      finished();
    });
  }, done);
}

// src/stack/nmp/satp/alua.ts
var INQUIRY = [18, 0, 0, 0, 36, 0];
var VPD_DEVICE_ID = [18, 1, 131, 0, 255, 0];
var RTPG = [163, 10, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0];
var STPG = [164, 10, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0];
var STATES = {
  0: { alua: "AO", name: "AO", path: "active" },
  1: { alua: "ANO", name: "ANO", path: "active" },
  2: { alua: "STBY", name: "STBY", path: "standby" },
  3: { alua: "UNAV", name: "UNAV", path: "dead" },
  4: { alua: "ANO", name: "LBD", path: "active" },
  14: { alua: "UNAV", name: "OFFL", path: "dead" },
  15: { alua: "TRANS", name: "TRANS", path: "standby" }
};
var TRANSITIONING = 15;
function state2(device) {
  const s = device.state;
  s.tpg ??= {};
  s.groups ??= [];
  return s;
}
function tpgOf(page2) {
  const end = Math.min(page2.length, 4 + (page2[2] << 8 | page2[3]));
  for (let at2 = 4; at2 + 4 <= end; at2 += 4 + page2[at2 + 3]) {
    if ((page2[at2 + 1] & 15) === 5 && page2[at2 + 3] >= 4) return page2[at2 + 6] << 8 | page2[at2 + 7];
  }
  return void 0;
}
function groupsOf(data) {
  const groups = [];
  const end = Math.min(data.length, 4 + (data[0] << 24 | data[1] << 16 | data[2] << 8 | data[3]));
  for (let at2 = 4; at2 + 8 <= end; at2 += 8 + 4 * data[at2 + 7]) {
    groups.push({ id: data[at2 + 2] << 8 | data[at2 + 3], state: data[at2] & 15 });
  }
  return groups;
}
function probe(device, st, path, done) {
  if (st.tpg[path.name] === void 0) {
    device.send(path, VPD_DEVICE_ID, (r) => {
      const lunThere = isGood(r) && r.data.length > 4 && r.data[0] >> 5 !== 3;
      const id = lunThere ? tpgOf(r.data) : void 0;
      if (id !== void 0) st.tpg[path.name] = id;
      done(lunThere);
    });
  } else {
    sendOnce(device, path, TEST_UNIT_READY, (r) => done(r.host === Host.OK && !isPdl(r)));
  }
}
function firstGood(device, paths, cdb, done) {
  const attempt = (i) => {
    if (i >= paths.length) return done(void 0);
    sendOnce(device, paths[i], cdb, (r) => isGood(r) ? done(r.data) : attempt(i + 1));
  };
  attempt(0);
}
function checkPaths(device, done) {
  const st = state2(device);
  const paths = checkable(device);
  const alive = /* @__PURE__ */ new Set();
  const visit = (path, finished) => probe(device, st, path, (ok) => {
    if (ok) alive.add(path);
    finished();
  });
  eachPath(paths, visit, () => {
    const live = paths.filter((p) => alive.has(p));
    const readGroups = () => firstGood(device, live, RTPG, (data) => {
      if (data) st.groups = groupsOf(data);
      apply(device, st, paths, alive);
      done();
    });
    if (st.tpgs !== void 0 || live.length === 0) return readGroups();
    firstGood(device, live, INQUIRY, (data) => {
      if (data && data.length > 5) st.tpgs = data[5] >> 4 & 3;
      readGroups();
    });
  });
}
function apply(device, st, paths, alive) {
  const stateOf = (id) => st.groups.find((g) => g.id === id)?.state;
  if (stateOf(st.activating) !== TRANSITIONING) st.activating = void 0;
  for (const path of paths) {
    const id = st.tpg[path.name];
    const code = stateOf(id);
    const mapped = code === void 0 ? void 0 : STATES[code] ?? STATES[3];
    if (!alive.has(path)) device.setPathState(path, "dead", mapped?.alua);
    else if (!mapped) device.setPathState(path, "active", "none");
    else if (code !== TRANSITIONING) device.setPathState(path, mapped.path, mapped.alua);
    else device.setPathState(path, path.state === "active" || id === st.activating ? "active" : "standby", "TRANS");
  }
}
var alua2 = {
  name: "VMW_SATP_ALUA",
  description: "Supports non-specific arrays that use the ALUA protocol",
  defaultPsp: "VMW_PSP_MRU",
  init(device) {
    state2(device);
  },
  onError(_io, _path, o) {
    if (isSense(o, Key.UNIT_ATTENTION, 42, 6) || isSense(o, Key.UNIT_ATTENTION, 42, 7)) return "failover";
    if (isSense(o, Key.NOT_READY, 4, 11) || isSense(o, Key.NOT_READY, 4, 12)) return "failover";
    if (isTransitioning(o)) return "retry";
    if (isPathLoss(o)) return "failover";
    if (isUnitAttention(o) || isBusy(o) || isBecomingReady(o) || o.host === Host.RESET) return "retry";
    return "fail";
  },
  checkPaths,
  activate(device, done) {
    const st = state2(device);
    const explicit = ((st.tpgs ?? 0) & 2) !== 0;
    const target = device.paths.find((p) => p.state === "standby" && st.tpg[p.name] !== void 0);
    if (!explicit || !target || device.paths.some((p) => p.state === "active")) return checkPaths(device, done);
    const id = st.tpg[target.name];
    const list = Uint8Array.of(0, 0, 0, 0, 0, 0, id >> 8, id & 255);
    sendOnce(device, target, STPG, (r) => {
      if (isGood(r)) st.activating = id;
      checkPaths(device, done);
    }, list);
  },
  describe(device) {
    const st = state2(device);
    const on = (bit) => (st.tpgs ?? 0) & bit ? "on" : "off";
    const groups = st.groups.map((g) => `{TPG_id=${g.id},TPG_state=${STATES[g.state]?.name ?? "UNKNOWN"}}`).join("");
    return `{implicit_support=${on(1)}; explicit_support=${on(2)}; explicit_allow=on; alua_followover=on; action_OnRetryErrors=off; ${groups}}`;
  }
};
var alua_default = alua2;

// src/stack/nmp/satp/default-aa.ts
function activeActiveState(r) {
  if (r.host !== Host.OK || isPdl(r)) return "dead";
  return "active";
}
function activeActiveError(o) {
  if (isPathLoss(o)) return "failover";
  if (isUnitAttention(o) || isBusy(o) || isBecomingReady(o) || o.host === Host.RESET) return "retry";
  return "fail";
}
var defaultAA = {
  name: "VMW_SATP_DEFAULT_AA",
  description: "Supports non-specific active/active arrays",
  defaultPsp: "VMW_PSP_FIXED",
  onError: (_io, _path, outcome) => activeActiveError(outcome),
  checkPaths: (device, done) => turCheck(device, activeActiveState, done)
};
var default_aa_default = defaultAA;

// src/stack/nmp/satp/default-ap.ts
var START_UNIT = [27, 0, 0, 0, 1, 0];
function apState(r) {
  if (r.host !== Host.OK || isPdl(r)) return "dead";
  return isPassive(r) || isTransitioning(r) ? "standby" : "active";
}
var defaultAP = {
  name: "VMW_SATP_DEFAULT_AP",
  description: "Supports non-specific active/passive arrays",
  defaultPsp: "VMW_PSP_MRU",
  onError(_io, _path, o) {
    if (isPathLoss(o) || o.host === Host.ERROR || isPassive(o) || isTransitioning(o) || isBecomingReady(o)) return "failover";
    if (isUnitAttention(o) || isBusy(o) || o.host === Host.RESET) return "retry";
    return "fail";
  },
  checkPaths: (device, done) => turCheck(device, apState, done),
  activate(device, done) {
    const standby = device.paths.filter((p) => p.state === "standby");
    const attempt = (i) => {
      if (i >= standby.length) return recheck();
      sendOnce(device, standby[i], START_UNIT, (r) => isGood(r) ? recheck() : attempt(i + 1));
    };
    const recheck = () => turCheck(device, apState, done);
    attempt(0);
  }
};
var default_ap_default = defaultAP;

// src/stack/nmp/satp/local.ts
var local = {
  name: "VMW_SATP_LOCAL",
  description: "Supports direct attached devices",
  defaultPsp: "VMW_PSP_FIXED",
  onError: (_io, _path, outcome) => activeActiveError(outcome),
  checkPaths: (device, done) => turCheck(device, activeActiveState, done)
};
var local_default = local;

// src/stack/nmp/satp/index.ts
var builtinSatps = [default_aa_default, default_ap_default, alua_default, local_default];

// src/stack/nmp/satp-rules.ts
var SYSTEM = [
  { satp: "VMW_SATP_ALUA", claimOptions: "tpgs_on", description: "Any array with ALUA support", group: "system" },
  { satp: "VMW_SATP_DEFAULT_AP", vendor: "PATHLAB", model: "AP-VA", description: "PathLab active/passive array", group: "system" },
  { satp: "VMW_SATP_DEFAULT_AP", vendor: "DEC", model: "HSG80", description: "DEC HSG80", group: "system" },
  { satp: "VMW_SATP_LOCAL", transport: "sas", description: "Locally attached SAS devices", group: "system" },
  { satp: "VMW_SATP_LOCAL", transport: "sata", group: "system" },
  { satp: "VMW_SATP_LOCAL", transport: "block", group: "system" },
  { satp: "VMW_SATP_LOCAL", transport: "usb", group: "system" },
  { satp: "VMW_SATP_LOCAL", transport: "ide", group: "system" },
  { satp: "VMW_SATP_LOCAL", transport: "parallel", group: "system" },
  { satp: "VMW_SATP_DEFAULT_AA", transport: "fc", description: "Fibre Channel Devices", group: "system" },
  { satp: "VMW_SATP_DEFAULT_AA", transport: "iscsi", description: "iSCSI Devices", group: "system" }
];
var SatpRules = class {
  user = [];
  all() {
    return [...SYSTEM, ...this.user];
  }
  add(rule) {
    const same = (r) => r.satp === rule.satp && r.vendor === rule.vendor && r.model === rule.model && r.driver === rule.driver && r.transport === rule.transport && r.device === rule.device && r.claimOptions === rule.claimOptions;
    if (this.all().some(same)) throw new Error("Error adding SATP user rule: Duplicate user rule found for SATP " + rule.satp);
    this.user.push({ ...rule, group: "user" });
  }
  remove(rule) {
    const at2 = this.user.findIndex(
      (r) => r.satp === rule.satp && r.vendor === rule.vendor && r.model === rule.model && r.driver === rule.driver && r.transport === rule.transport && r.device === rule.device && r.claimOptions === rule.claimOptions
    );
    if (at2 < 0) throw new Error("Error deleting SATP user rule: rule not found");
    this.user.splice(at2, 1);
  }
  userRules() {
    return this.user.map((r) => ({ ...r }));
  }
  setUserRules(rules) {
    this.user = rules.map((r) => ({ ...r, group: "user" }));
  }
  /** The rule that decides a device's SATP: device, driver, vendor/model, transport, then default. */
  match(identity, driver, transport) {
    const rules = [...this.user, ...SYSTEM];
    const tpgsOk = (r) => r.claimOptions === void 0 || (r.claimOptions === "tpgs_on" ? identity.tpgs !== 0 : identity.tpgs === 0);
    const stages = [
      (r) => r.device === identity.deviceId,
      (r) => r.driver !== void 0 && r.driver === driver,
      (r) => r.vendor !== void 0 && r.vendor === identity.vendor && (r.model === void 0 || r.model === identity.model),
      (r) => r.transport !== void 0 && r.transport === transport,
      (r) => r.claimOptions !== void 0 && r.vendor === void 0 && r.transport === void 0 && r.driver === void 0
    ];
    const alua3 = rules.find((r) => stages[4](r) && tpgsOk(r));
    for (const [i, stage] of stages.entries()) {
      if (i === 3 && alua3) return alua3;
      const hit = rules.find((r) => stage(r) && tpgsOk(r));
      if (hit) return hit;
    }
    return void 0;
  }
};

// src/stack/nmp/nmp.ts
var MAX_ATTEMPTS = 40;
var RETRY_DELAY_US = 2e3;
var APD_POLL_US = 1e6;
var TIMER_EVALUATE_ALL = -1;
function outcomeOf(io) {
  const cmd = io.cmd;
  const fixed2 = cmd.sense[0] === 112 || cmd.sense[0] === 113;
  const hasSense = cmd.senseLength > 0;
  return {
    host: cmd.hostStatus,
    status: cmd.status,
    senseKey: hasSense ? (fixed2 ? cmd.sense[2] : cmd.sense[1]) & 15 : 0,
    asc: hasSense ? fixed2 ? cmd.sense[12] : cmd.sense[2] : 0,
    ascq: hasSense ? fixed2 ? cmd.sense[13] : cmd.sense[3] : 0
  };
}
var GOOD = Object.freeze({ host: 0, status: 0, senseKey: 0, asc: 0, ascq: 0 });
var isGood2 = (o) => o.host === HostStatus.OK && o.status === Status.GOOD;
var isPdl2 = (o) => o.host === HostStatus.OK && o.senseKey === 5 && o.asc === 37 && o.ascq === 0;
var Nmp = class {
  constructor(psa, settings) {
    this.psa = psa;
    this.settings = settings;
    for (const psp of builtinPsps) this.psps.set(psp.name, psp);
    for (const satp of builtinSatps) this.satps.set(satp.name, satp);
    psa.clock.after(settings.pathEvalIntervalUs, this, TIMER_EVALUATE_ALL);
  }
  psa;
  settings;
  name = "NMP";
  pluginClass = "MP";
  satpRules = new SatpRules();
  psps = /* @__PURE__ */ new Map();
  satps = /* @__PURE__ */ new Map();
  /** `esxcli storage nmp satp set --default-psp`: an SATP's default PSP, changed. */
  satpDefaultPsp = /* @__PURE__ */ new Map();
  byId = /* @__PURE__ */ new Map();
  byPath = /* @__PURE__ */ new Map();
  list = [];
  pdlPaths = /* @__PURE__ */ new Set();
  claimed = [];
  /** Messages for the host's log (vmkernel.log's NMP lines). */
  log = () => {
  };
  get devices() {
    return this.list.filter((d) => this.byId.get(d.logical.id) === d);
  }
  device(id) {
    const logical = this.psa.device(id);
    return logical ? this.byId.get(logical.id) : void 0;
  }
  deviceOfPath(path) {
    return this.byPath.get(path);
  }
  // ---- claiming ----
  startClaiming() {
    this.claimed = [];
  }
  claimPath(path) {
    this.claimed.push(path);
    return true;
  }
  endClaiming() {
    const touched = /* @__PURE__ */ new Set();
    for (const path of this.claimed) {
      let device = this.byId.get(path.identity.deviceId);
      if (!device) device = this.createDevice(path);
      device.logical.paths.push(path);
      device.logical.learnCapacity(path.identity);
      device.logical.paths.sort((a, b) => a.adapterRef.number - b.adapterRef.number || a.targetNumber - b.targetNumber);
      this.byPath.set(path, device);
      device.invalidate();
      touched.add(device);
    }
    this.claimed = [];
    for (const device of touched) {
      device.psp.init?.(device.pspView);
      this.evaluate(device);
    }
  }
  createDevice(path) {
    const id = path.identity;
    const logical = new LogicalDevice(this, id, path.lun, {
      queueDepth: this.psa.settings.deviceQueueDepth,
      schedNumReqOutstanding: this.psa.settings.schedNumReqOutstanding
    });
    const device = new NmpDevice(logical, {
      now: () => this.psa.clock.now,
      send: (d, p, cdb, done, dataOut) => this.send(p, cdb, done, dataOut),
      pathStateChanged: (d, p) => d.psp.pathStateChanged?.(p, d.pspView)
    });
    const rule = this.satpRules.match(id, path.adapterRef.driver, path.adapterRef.transport);
    const satp = this.satps.get(rule?.satp ?? "VMW_SATP_DEFAULT_AA") ?? this.satps.get("VMW_SATP_DEFAULT_AA");
    device.setSatp(satp, rule);
    device.setPsp(this.psps.get(this.defaultPspName(device)), {});
    device.satp.init?.(device.satpView);
    this.psa.addDevice(logical);
    this.byId.set(logical.id, device);
    this.list.push(device);
    return device;
  }
  /** The PSP a device gets without an override: its SATP rule's, else its SATP's default. */
  defaultPspName(device) {
    const name = device.satpRule?.psp ?? this.satpDefaultPsp.get(device.satp.name) ?? device.satp.defaultPsp;
    return this.psps.has(name) ? name : "VMW_PSP_FIXED";
  }
  unclaimPath(path) {
    const device = this.byPath.get(path);
    if (device && device.logical.openCount > 0) return false;
    this.pathRemoved(path);
    return true;
  }
  pathRemoved(path) {
    const device = this.byPath.get(path);
    if (!device) return;
    this.byPath.delete(path);
    this.pdlPaths.delete(path);
    const paths = device.logical.paths;
    paths.splice(paths.indexOf(path), 1);
    device.invalidate();
    if (paths.length === 0 && device.logical.openCount === 0) {
      this.byId.delete(device.logical.id);
      this.list.splice(this.list.indexOf(device), 1);
      this.psa.removeDevice(device.logical);
    } else {
      device.psp.pathStateChanged?.(path, device.pspView);
    }
  }
  // ---- settings ----
  /** Sets a device's PSP (by esxcli or the page); `undefined` goes back to the default. */
  setDevicePsp(device, pspName, config2 = {}) {
    const name = pspName ?? this.defaultPspName(device);
    const psp = this.psps.get(name);
    if (!psp) throw new Error(`Unable to set PSP for device ${device.logical.id}: no PSP named ${name} is loaded`);
    device.pspOverride = pspName;
    device.setPsp(psp, config2);
    psp.init?.(device.pspView);
  }
  // ---- the I/O path ----
  start(io) {
    const device = this.byId.get(io.device.id);
    if (device.logical.permanentlyLost) return this.psa.io.completeToIssuer(io, true);
    if (!this.route(device, io)) this.wait(device, io);
  }
  /** Picks a path with the device's PSP and sends; false when no path is usable. */
  route(device, io) {
    const usable = device.usablePaths();
    if (usable.length === 0) return false;
    let path = usable[0];
    try {
      const chosen = device.psp.selectPath(io, usable, device.pspView);
      if (usable.includes(chosen)) path = chosen;
      else this.log(`NMP: ${device.psp.name} returned ${describePath(chosen)} for ${device.logical.id}, which is not a usable path; using ${path.name}`);
    } catch (e) {
      this.log(`NMP: ${device.psp.name}.selectPath threw on ${device.logical.id}: ${e.message}; using ${path.name}`);
    }
    device.lastChosen.set(path, ++device.selections);
    this.psa.io.issue(io, path);
    return true;
  }
  completed(io) {
    const device = this.byId.get(io.device.id);
    const path = io.path;
    if (device && io.cmd.hostStatus === HostStatus.OK && io.cmd.status === Status.GOOD) {
      this.notifyPsp(device, io, path, GOOD);
      if (this.pdlPaths.size > 0) this.pdlPaths.delete(path);
      return this.psa.io.completeToIssuer(io, false);
    }
    const outcome = outcomeOf(io);
    if (!device) return this.psa.io.completeToIssuer(io, !isGood2(outcome));
    this.notifyPsp(device, io, path, outcome);
    this.log(`NMP: ${device.logical.id} cmd 0x${io.cmd.cdb[0].toString(16)} on ${path.name}: H:0x${outcome.host.toString(16)} D:0x${outcome.status.toString(16)} P:0x0 sense ${outcome.senseKey.toString(16)} ${outcome.asc.toString(16)} ${outcome.ascq.toString(16)}`);
    if (isPdl2(outcome)) this.pdlPaths.add(path);
    let action = device.satp.onError(io, path, outcome, device.satpView);
    if (io.attempts >= MAX_ATTEMPTS) action = "fail";
    if (action === "fail") return this.psa.io.completeToIssuer(io, true);
    if (action === "retry") return this.psa.io.resendLater(io, RETRY_DELAY_US);
    this.wait(device, io);
  }
  notifyPsp(device, io, path, outcome) {
    if (!device.psp.completed) return;
    try {
      device.psp.completed(io, path, this.psa.clock.now - io.issuedAt, outcome, device.pspView);
    } catch (e) {
      this.log(`NMP: ${device.psp.name}.completed threw: ${e.message}`);
    }
  }
  /** Parks a command until a path evaluation says where it can go. */
  wait(device, io) {
    device.waiting.push(io);
    this.evaluate(device);
  }
  /** Runs the SATP's path check (and activation when nothing is usable), then re-drives waiting I/O. */
  evaluate(device, then) {
    if (device.evaluating) {
      if (then) device.evaluating.push(then);
      return;
    }
    device.evaluating = then ? [then] : [];
    const finish = () => {
      const callbacks = device.evaluating ?? [];
      device.evaluating = void 0;
      this.afterEvaluation(device);
      for (const callback of callbacks) callback();
    };
    device.satp.checkPaths(device.satpView, () => {
      if (device.usablePaths().length === 0 && device.satp.activate && !device.logical.permanentlyLost) {
        device.satp.activate(device.satpView, () => device.satp.checkPaths(device.satpView, finish));
      } else finish();
    });
  }
  /** ESXi's PSP picks its path when the device is claimed, before any I/O: show that choice. */
  chooseFirstPath(device) {
    const usable = device.usablePaths();
    if (device.selections > 0 || usable.length === 0) return;
    try {
      const chosen = device.psp.selectPath({ op: "other", lba: 0, blocks: 0, bytes: 0, serial: 0 }, usable, device.pspView);
      if (usable.includes(chosen)) device.lastChosen.set(chosen, ++device.selections);
    } catch {
    }
  }
  afterEvaluation(device) {
    this.chooseFirstPath(device);
    const paths = device.paths;
    if (paths.length > 0 && paths.every((p) => this.pdlPaths.has(p)) && !device.logical.permanentlyLost) {
      device.logical.permanentlyLost = true;
      device.logical.status = "dead";
      for (const p of paths) p.state = "dead";
      this.log(`NMP: device ${device.logical.id} has been permanently lost (PDL: 0x5 0x25 0x0 on all paths)`);
    }
    const now = this.psa.clock.now;
    const usable = device.usablePaths().length > 0;
    if (usable && device.apdSince >= 0) {
      this.log(`NMP: device ${device.logical.id} has exited the All Paths Down state after ${((now - device.apdSince) / 1e6).toFixed(1)} s`);
      device.apdSince = -1;
      device.logical.status = "on";
    }
    if (!usable && !device.logical.permanentlyLost && device.waiting.length > 0 && device.apdSince < 0) {
      device.apdSince = now;
      this.log(`NMP: device ${device.logical.id} has entered the All Paths Down state`);
      this.psa.clock.after(APD_POLL_US, this, this.list.indexOf(device));
    }
    const waiting = device.waiting.splice(0);
    for (const io of waiting) {
      if (device.logical.permanentlyLost || device.apdSince >= 0 && now - device.apdSince >= this.settings.apdTimeoutUs) {
        this.psa.io.completeToIssuer(io, true);
      } else if (!this.route(device, io)) {
        device.waiting.push(io);
      }
    }
    if (device.apdSince >= 0 && now - device.apdSince >= this.settings.apdTimeoutUs) device.logical.status = "dead";
  }
  /** Timers: the periodic evaluation of every device, and each device's APD poll. */
  onTimer(arg) {
    if (arg === TIMER_EVALUATE_ALL) {
      for (const device2 of this.devices) this.evaluate(device2);
      this.psa.clock.after(this.settings.pathEvalIntervalUs, this, TIMER_EVALUATE_ALL);
      return;
    }
    const device = this.list[arg];
    if (!device || device.apdSince < 0 || this.byId.get(device.logical.id) !== device) return;
    this.evaluate(device, () => {
      if (device.apdSince >= 0) this.psa.clock.after(APD_POLL_US, this, arg);
    });
  }
  /** Re-evaluates every device now (after a repair: the fabric's RSCN tells the host at once). */
  evaluateAll() {
    for (const device of this.devices) this.evaluate(device);
  }
  send(path, cdb, done, dataOut) {
    this.psa.io.sendPassthrough(
      path,
      cdb,
      (io) => {
        const outcome = outcomeOf(io);
        if (isPdl2(outcome)) this.pdlPaths.add(path);
        else if (isGood2(outcome)) this.pdlPaths.delete(path);
        done({ ...outcome, data: this.psa.io.dataIn(io) });
      },
      dataOut
    );
  }
};
function describePath(value) {
  return typeof value === "object" && value !== null && "name" in value ? String(value.name) : String(value);
}

// src/stack/psa/mask-path.ts
var MaskPath = class {
  name = "MASK_PATH";
  pluginClass = "MP";
  masked = /* @__PURE__ */ new Set();
  startClaiming() {
  }
  claimPath(path) {
    this.masked.add(path);
    path.working = false;
    return true;
  }
  endClaiming() {
  }
  unclaimPath(path) {
    this.masked.delete(path);
    return true;
  }
  pathRemoved(path) {
    this.masked.delete(path);
  }
  start() {
    throw new Error("MASK_PATH owns no devices");
  }
  completed() {
  }
};

// src/stack/psa/claim-rules.ts
function isReserved(rule) {
  return rule <= 100 || rule >= 65436;
}
var MAX_RULE = 65535;
var SYSTEM_RULES = [
  { rule: 50, type: "transport", plugin: "NMP", transport: "usb" },
  { rule: 51, type: "transport", plugin: "NMP", transport: "sata" },
  { rule: 52, type: "transport", plugin: "NMP", transport: "ide" },
  { rule: 53, type: "transport", plugin: "NMP", transport: "block" },
  { rule: 54, type: "transport", plugin: "NMP", transport: "unknown" },
  { rule: 65535, type: "vendor", plugin: "NMP", vendor: "*", model: "*" }
];
var DEFAULT_FILE_RULES = [{ rule: 101, type: "vendor", plugin: "MASK_PATH", vendor: "DELL", model: "Universal Xport" }];
var ClaimRuleError = class extends Error {
};
var ClaimRules = class {
  file = DEFAULT_FILE_RULES.map((r) => ({ ...r }));
  runtimeUser = DEFAULT_FILE_RULES.map((r) => ({ ...r }));
  /** Rules the VMkernel applies now, in number order. */
  get runtime() {
    return [...SYSTEM_RULES, ...this.runtimeUser].sort((a, b) => a.rule - b.rule);
  }
  /** Rows of `claimrule list`: each rule's runtime and file lines, by number. */
  list() {
    const rows = [];
    const numbers = new Set([...SYSTEM_RULES, ...this.runtimeUser, ...this.file].map((r) => r.rule));
    for (const n of [...numbers].sort((a, b) => a - b)) {
      const runtime = SYSTEM_RULES.find((r) => r.rule === n) ?? this.runtimeUser.find((r) => r.rule === n);
      const file = this.file.find((r) => r.rule === n);
      if (runtime) rows.push({ rule: runtime, class: "runtime" });
      if (file) rows.push({ rule: file, class: "file" });
    }
    return rows;
  }
  /** The next free user rule number after the highest existing one below 65436 (esxcli -u). */
  nextFreeNumber() {
    const used = [...SYSTEM_RULES, ...this.file].map((r) => r.rule).filter((n) => n > 100 && n < 65436);
    return Math.max(5e3, ...used.map((n) => n + 1));
  }
  add(rule, forceReserved = false) {
    if (!Number.isInteger(rule.rule) || rule.rule < 0 || rule.rule > MAX_RULE) {
      throw new ClaimRuleError(`Invalid rule number ${rule.rule}: rule numbers go from 0 to ${MAX_RULE}`);
    }
    if (isReserved(rule.rule) && !forceReserved) {
      throw new ClaimRuleError(`Rule ${rule.rule} is in a range reserved for VMware (0-100, 65436-65535). Use --force-reserved to add it anyway.`);
    }
    if (this.file.some((r) => r.rule === rule.rule) || SYSTEM_RULES.some((r) => r.rule === rule.rule)) {
      throw new ClaimRuleError(`Duplicate user rule id ${rule.rule} specified`);
    }
    this.file.push({ ...rule });
  }
  remove(number) {
    const at2 = this.file.findIndex((r) => r.rule === number);
    if (at2 < 0) throw new ClaimRuleError(`Unable to remove rule ${number}: rule not found in the file rules`);
    this.file.splice(at2, 1);
  }
  move(number, to, forceReserved = false) {
    const rule = this.file.find((r) => r.rule === number);
    if (!rule) throw new ClaimRuleError(`Unable to move rule ${number}: rule not found in the file rules`);
    this.remove(number);
    try {
      this.add({ ...rule, rule: to }, forceReserved);
    } catch (e) {
      this.file.push(rule);
      throw e;
    }
  }
  /** claimrule load: the file rules become the runtime rules. */
  load() {
    this.runtimeUser = this.file.map((r) => ({ ...r }));
  }
  fileRules() {
    return this.file.map((r) => ({ ...r }));
  }
  /** Replaces the file rules (restoring a saved lab). */
  setFileRules(rules) {
    this.file = rules.map((r) => ({ ...r }));
  }
};
function ruleMatches(rule, path) {
  const id = path.identity;
  const is = (pattern, value) => pattern === void 0 || pattern === "*" || pattern === value;
  switch (rule.type) {
    case "vendor":
      return is(rule.vendor, id.vendor) && is(rule.model, id.model);
    case "location":
      return is(rule.adapter, path.adapter) && is(rule.channel, 0) && is(rule.target, path.targetNumber) && is(rule.lun, path.lun);
    case "driver":
      return rule.driver === path.adapterRef.driver;
    case "transport":
      return rule.transport === path.adapterRef.transport;
    case "device":
      return rule.device === id.deviceId;
  }
}

// src/stack/scsi/command.ts
var SENSE_BUFFER_SIZE = 40;
var ScsiCommand = class {
  /** CDB bytes; only the first cdbLength count. */
  cdb = new Uint8Array(16);
  cdbLength = 0;
  direction = "none";
  /** Arena address of the scatter-gather list, and its entry count. */
  sgl = 0;
  nseg = 0;
  /** Bytes the initiator's buffers can hold (data-in) or hold (data-out). */
  dataLength = 0;
  /** Who sent it: the initiator port's name, one end of the I_T nexus. */
  initiator = "";
  serial = 0;
  status = Status.GOOD;
  hostStatus = HostStatus.OK;
  sense = new Uint8Array(SENSE_BUFFER_SIZE);
  senseLength = 0;
  /** Bytes actually moved; dataLength - transferred is the residual. */
  transferred = 0;
  /** Virtual microseconds the array spent on it (its service-time model). */
  serviceUs = 0;
  setCdb(bytes) {
    this.cdb.fill(0);
    this.cdb.set(bytes);
    this.cdbLength = bytes.length;
  }
};

// src/stack/initiator/sg-request.ts
var DEFAULT_DATA_IN = 64 * 1024;
function prepare(arena, req) {
  const cmd = new ScsiCommand();
  cmd.setCdb(req.cdb);
  cmd.initiator = req.initiator ?? "pathlab-sg";
  const out = req.dataOut;
  const size = out ? out.length : req.dataIn ?? DEFAULT_DATA_IN;
  const buffer = size > 0 ? arena.alloc(size) : 0;
  const list = arena.alloc(SG_ENTRY_SIZE);
  if (out) arena.u8.set(out, buffer);
  setSingleSegment(arena, list, buffer, size);
  cmd.direction = out ? "out" : size > 0 ? "in" : "none";
  cmd.sgl = list;
  cmd.nseg = size > 0 ? 1 : 0;
  cmd.dataLength = size;
  const finish = (done) => {
    const dataIn = done.direction === "in" ? arena.u8.slice(buffer, buffer + done.transferred) : new Uint8Array(0);
    if (size > 0) arena.free(buffer, size);
    arena.free(list, SG_ENTRY_SIZE);
    return {
      status: done.status,
      hostStatus: done.hostStatus,
      sense: done.sense.slice(0, done.senseLength),
      dataIn,
      serviceUs: done.serviceUs
    };
  };
  return { cmd, finish };
}
function sendCdbSync(arena, array, port, lun, req) {
  const { cmd, finish } = prepare(arena, req);
  let response;
  array.submit(cmd, port, lun, (done) => response = finish(done));
  if (!response) throw new Error(`command 0x${cmd.cdb[0].toString(16)} did not complete synchronously`);
  return response;
}

// src/stack/psa/discovery.ts
function ask(arena, adapter, array, port, lun, cdb) {
  const send = () => sendCdbSync(arena, array, port, lun, { cdb, initiator: adapter.wwpn || adapter.name, dataIn: 4096 });
  const r = send();
  return r.status === Status.CHECK_CONDITION && (r.sense[2] & 15) === 6 ? send() : r;
}
var ascii2 = (bytes, from, to) => String.fromCharCode(...bytes.subarray(from, to)).trim();
function deviceIdFrom(page2) {
  const found = {};
  const end = Math.min(page2.length, 4 + (page2[2] << 8 | page2[3]));
  for (let at2 = 4; at2 + 4 <= end; at2 += 4 + page2[at2 + 3]) {
    const association = page2[at2 + 1] >> 4 & 3;
    const type = page2[at2 + 1] & 15;
    if (association === 0 && found[type] === void 0) found[type] = page2.subarray(at2 + 4, at2 + 4 + page2[at2 + 3]);
  }
  const hex3 = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  if (found[3]) return { id: `naa.${hex3(found[3])}`, naa: found[3].slice() };
  if (found[2]) return { id: `eui.${hex3(found[2])}` };
  if (found[1]) return { id: `t10.${ascii2(found[1], 0, found[1].length).replace(/\s+/g, "_")}` };
  return {};
}
function discoverLun(arena, adapter, array, port, target, lun) {
  const std = ask(arena, adapter, array, port, lun, [18, 0, 0, 0, 96, 0]);
  if (std.status !== Status.GOOD || std.dataIn.length < 36 || std.dataIn[0] >> 5 !== 0) return void 0;
  const vpd = ask(arena, adapter, array, port, lun, [18, 1, 131, 0, 255, 0]);
  const { id, naa } = vpd.status === Status.GOOD ? deviceIdFrom(vpd.dataIn) : {};
  const cap = ask(arena, adapter, array, port, lun, [158, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0]);
  let blocks = 0;
  let blockSize = 0;
  if (cap.status === Status.GOOD && cap.dataIn.length >= 12) {
    const dv = new DataView(cap.dataIn.buffer, cap.dataIn.byteOffset);
    blocks = dv.getUint32(0) * 4294967296 + dv.getUint32(4) + 1;
    blockSize = dv.getUint32(8);
  }
  return {
    vendor: ascii2(std.dataIn, 8, 16),
    model: ascii2(std.dataIn, 16, 32),
    revision: ascii2(std.dataIn, 32, 36),
    // Without a designator the host names the device after the first path it found (not persistent).
    deviceId: id ?? `mpx.${adapter.name}:C0:T${target}:L${lun}`,
    naa,
    tpgs: std.dataIn[5] >> 4 & 3,
    blocks,
    blockSize
  };
}
function discover(arena, fabrics) {
  const found = [];
  for (const fabric of fabrics) {
    for (const adapter of fabric.adapters) {
      for (const t of fabric.targets) {
        if (!fabric.connects(adapter, t.array, t.port)) continue;
        const targetNumber = adapter.targetNumber(t.port.wwpn);
        const report = ask(arena, adapter, t.array, t.port, 0, [160, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0]);
        if (report.status !== Status.GOOD) continue;
        const listLength = new DataView(report.dataIn.buffer, report.dataIn.byteOffset).getUint32(0);
        for (let at2 = 8; at2 + 8 <= Math.min(report.dataIn.length, 8 + listLength); at2 += 8) {
          const lun = (report.dataIn[at2] & 63) << 8 | report.dataIn[at2 + 1];
          const identity = discoverLun(arena, adapter, t.array, t.port, targetNumber, lun);
          if (identity) found.push({ adapter, fabric, array: t.array, port: t.port, targetNumber, lun, identity });
        }
      }
    }
  }
  return found;
}

// src/stack/psa/io-request.ts
var TIMER_COMPLETE = 0;
var TIMER_TIMEOUT = 1;
var TIMER_RESEND = 2;
var KIND_BITS = 2;
var IoRequest = class {
  constructor(handler) {
    this.handler = handler;
  }
  handler;
  op = "read";
  lba = 0;
  blocks = 0;
  bytes = 0;
  serial = 0;
  cmd = new ScsiCommand();
  /** Arena address and size of the data buffer, and of its one-entry scatter-gather list. */
  buffer = 0;
  capacity = 0;
  sgl = 0;
  device;
  /** The world (VM disk or lab job) that issued it, and its flow in the device's scheduler. */
  world = "";
  flow = 0;
  /** Management commands (SATP path checks, activation) skip the device queue and statistics. */
  passthrough = false;
  path;
  /** Virtual times: submitted by the world, admitted by the device queue, sent on the current path. */
  submittedAt = 0;
  dispatchedAt = 0;
  issuedAt = 0;
  /** Attempts on paths so far (the first send counts). */
  attempts = 0;
  generation = 0;
  /** Set when the command completes with an error to its issuer. */
  failed = false;
  /** On a path now (sent, not yet completed or timed out). */
  inFlight = false;
  /** The array has answered the current attempt (false while its block store works). */
  answered = true;
  /** Generation of the attempt the array is working on. */
  sentGeneration = 0;
  /** This attempt holds the virtual clock while the array's block store works. */
  holdsClock = false;
  /** Called by the array when it answers; set once by the framework. */
  arrayDone = () => {
  };
  /** Index in the framework's table of requests (the scheduler queues indexes, not objects). */
  slot = -1;
  /** Called once when the command completes to its issuer. */
  done = () => {
  };
  /** Scratch for the owning plugin (NMP keeps retry bookkeeping here). */
  pluginState = {};
  /** A timer argument for this attempt. */
  timerArg(kind) {
    return this.generation * (1 << KIND_BITS) + kind;
  }
  onTimer(arg) {
    if (Math.floor(arg / (1 << KIND_BITS)) !== this.generation) return;
    this.handler.onIoTimer(this, arg % (1 << KIND_BITS));
  }
  get isRead() {
    return this.op === "read";
  }
  get isWrite() {
    return this.op === "write";
  }
};

// src/stack/psa/io-path.ts
var FLOW_CAPACITY = 1024;
var DISPATCH_BATCH = 64;
var SWEEP_US = 1e6;
var HOST_SLOT = 1;
var RequestFifo = class {
  items = new Array(16);
  head = 0;
  length = 0;
  push(io) {
    if (this.length === this.items.length) {
      this.items = [...this.items.slice(this.head), ...this.items.slice(0, this.head), ...new Array(this.items.length)];
      this.head = 0;
    }
    this.items[(this.head + this.length++) % this.items.length] = io;
  }
  shift() {
    if (this.length === 0) return void 0;
    const io = this.items[this.head];
    this.items[this.head] = void 0;
    this.head = (this.head + 1) % this.items.length;
    this.length--;
    return io;
  }
};
var IoPath = class {
  constructor(psa) {
    this.psa = psa;
    const q = psa.engines.ioqueue;
    this.reqScratch = q.reserve(REQ_SIZE);
    this.outScratch = q.reserve(4 * DISPATCH_BATCH);
    const codec = psa.engines.cdb;
    const at2 = codec.slotsOffset + HOST_SLOT * CDB_SLOT_SIZE + SLOT_CDB;
    this.hostCdb = codec.bytes.subarray(at2, at2 + 16);
  }
  psa;
  table = [];
  adapterQueues = /* @__PURE__ */ new Map();
  passthroughPool = [];
  reqScratch;
  outScratch;
  /** The host's CDB slot's bytes, viewed once (the codec's memory never grows). */
  hostCdb;
  serial = 0;
  inFlight = 0;
  sweeping = false;
  /** A shares scheduler for a new device, in the ioqueue module's memory. */
  newScheduler() {
    const q = this.psa.engines.ioqueue;
    const flows = 64;
    const ptr = q.reserve(q.schedBytes(flows, FLOW_CAPACITY));
    q.schedInit(ptr, flows, FLOW_CAPACITY);
    return ptr;
  }
  /** A request with a data buffer of `capacity` bytes in the arena, for an issuer's pool. */
  newRequest(capacity) {
    const io = this.makeRequest();
    io.slot = this.table.push(io) - 1;
    io.capacity = capacity;
    io.buffer = capacity > 0 ? this.psa.arena.alloc(capacity) : 0;
    io.sgl = this.psa.arena.alloc(SG_ENTRY_SIZE);
    setSingleSegment(this.psa.arena, io.sgl, io.buffer, capacity);
    io.cmd.sgl = io.sgl;
    io.cmd.nseg = capacity > 0 ? 1 : 0;
    return io;
  }
  /** Builds a READ or WRITE CDB for the request through the CDB codec (10 or 16 bytes as needed). */
  prepareReadWrite(io, op, lba, blocks, blockSize, fua = false) {
    const codec = this.psa.engines.cdb;
    const v = codec.view;
    const at2 = codec.slotsOffset + HOST_SLOT * CDB_SLOT_SIZE;
    const long = lba + blocks > 4294967295 || blocks > 65535;
    v.setUint8(at2 + SLOT_OPCODE, op === "read" ? long ? OP_READ_16 : OP_READ_10 : long ? OP_WRITE_16 : OP_WRITE_10);
    v.setUint32(at2 + SLOT_FLAGS, fua ? FLAG_FUA : 0, true);
    v.setUint32(at2 + SLOT_LBA_LO, lba >>> 0, true);
    v.setUint32(at2 + SLOT_LBA_HI, Math.floor(lba / 4294967296), true);
    v.setUint32(at2 + SLOT_LENGTH, blocks, true);
    v.setUint8(at2 + SLOT_PROTECT, 0);
    v.setUint8(at2 + SLOT_GROUP, 0);
    v.setUint8(at2 + SLOT_CONTROL, 0);
    codec.encode(HOST_SLOT, 1);
    const cmd = io.cmd;
    cmd.cdb.set(this.hostCdb);
    cmd.cdbLength = v.getUint8(at2 + SLOT_CDB_LEN);
    cmd.direction = op === "read" ? "in" : "out";
    cmd.dataLength = blocks * blockSize;
    io.op = op;
    io.lba = lba;
    io.blocks = blocks;
    io.bytes = blocks * blockSize;
  }
  // ---- the device queue ----
  /** A world's command enters its device's scheduler. */
  submit(io, device, world) {
    const q = this.psa.engines.ioqueue;
    io.device = device;
    io.world = world;
    io.flow = device.flowOf(world);
    io.serial = ++this.serial;
    io.cmd.serial = io.serial;
    io.attempts = 0;
    io.failed = false;
    io.submittedAt = this.psa.clock.now;
    const dv = q.view();
    dv.setUint32(this.reqScratch + REQ_FLOW, io.flow, true);
    dv.setUint32(this.reqScratch + REQ_SLOT, io.slot, true);
    dv.setUint32(this.reqScratch + REQ_COST, 1, true);
    if (q.schedEnqueue(device.scheduler, this.reqScratch, 1) !== 1) {
      throw new Error(`${device.id}: world ${world} has more than ${FLOW_CAPACITY} commands queued`);
    }
    device.counters.queued++;
    this.worldActive(device, io.flow, 1);
    this.dispatch(device);
  }
  /** Hands queued commands to the device's plugin while the device queue has room. */
  dispatch(device) {
    const q = this.psa.engines.ioqueue;
    while (device.counters.queued > 0 && device.outstanding < device.limit) {
      const n = q.schedDispatch(device.scheduler, this.outScratch, Math.min(DISPATCH_BATCH, device.limit - device.outstanding));
      if (n === 0) return;
      const dv = q.view();
      for (let i = 0; i < n; i++) {
        const io = this.table[dv.getUint32(this.outScratch + 4 * i, true)];
        device.counters.queued--;
        device.counters.active++;
        device.outstanding++;
        io.dispatchedAt = this.psa.clock.now;
        device.owner.start(io);
      }
    }
  }
  worldActive(device, flow, delta) {
    const counts = device.flowCounts;
    const before = counts[flow] ?? 0;
    counts[flow] = before + delta;
    if (before === 0 && delta > 0) device.activeWorlds++;
    if (before + delta === 0 && delta < 0) device.activeWorlds--;
  }
  /** The plugin is done with a command: it completes to its issuer, successful or failed. */
  completeToIssuer(io, failed) {
    if (io.passthrough) {
      io.done(io);
      return;
    }
    const device = io.device;
    const now = this.psa.clock.now;
    io.failed = failed;
    device.outstanding--;
    device.counters.active--;
    this.worldActive(device, io.flow, -1);
    const deviceUs = now - io.issuedAt;
    const kernelUs = io.issuedAt - io.submittedAt;
    if (failed) device.counters.failed++;
    else device.counters.complete(io.isRead, io.isWrite, io.bytes, deviceUs, kernelUs, io.dispatchedAt - io.submittedAt);
    this.dispatch(device);
    io.done(io);
  }
  // ---- paths and adapters ----
  /** Sends a command down a path (called by the owning plugin), waiting for adapter room. */
  issue(io, path) {
    io.path = path;
    io.generation++;
    const adapter = path.adapterRef;
    if (adapter.outstanding >= adapter.queueDepth) {
      this.adapterQueue(adapter).push(io);
      return;
    }
    this.send(io, path);
  }
  /** Resends on the same path after `delayUs` (a retry). */
  resendLater(io, delayUs) {
    io.generation++;
    this.psa.clock.after(delayUs, io, io.timerArg(TIMER_RESEND));
  }
  adapterQueue(adapter) {
    let fifo = this.adapterQueues.get(adapter);
    if (!fifo) this.adapterQueues.set(adapter, fifo = new RequestFifo());
    return fifo;
  }
  send(io, path) {
    const clock = this.psa.clock;
    const adapter = path.adapterRef;
    io.attempts++;
    io.issuedAt = clock.now;
    io.cmd.initiator = adapter.wwpn || adapter.name;
    clearResult(io);
    path.outstanding++;
    path.counters.active++;
    adapter.outstanding++;
    this.inFlight++;
    io.inFlight = true;
    this.startSweep();
    if (!path.connected) {
      io.cmd.hostStatus = HostStatus.NO_CONNECT;
      clock.at(clock.now + path.fabric.delayUs, io, io.timerArg(TIMER_COMPLETE));
      return;
    }
    io.answered = false;
    io.sentGeneration = io.generation;
    path.array.submit(io.cmd, path.port, path.lun, io.arrayDone);
    if (!io.answered) {
      io.holdsClock = true;
      clock.hold();
    }
  }
  /** The array answered attempt `generation` of `io`: the completion arrives after the wire. */
  answered(io, generation) {
    io.answered = true;
    if (io.holdsClock) {
      io.holdsClock = false;
      this.psa.clock.release();
    }
    if (io.generation !== generation) return;
    const path = io.path;
    this.psa.clock.at(io.issuedAt + 2 * path.fabric.delayUs + io.cmd.serviceUs, io, io.timerArg(TIMER_COMPLETE));
  }
  makeRequest() {
    const io = new IoRequest(this);
    io.arrayDone = () => this.answered(io, io.sentGeneration);
    return io;
  }
  onIoTimer(io, kind) {
    if (kind === TIMER_RESEND) return this.issue(io, io.path);
    const path = io.path;
    this.leavePath(io, path);
    if (kind === TIMER_TIMEOUT) {
      io.generation++;
      io.cmd.hostStatus = HostStatus.ABORT;
    }
    if (!io.passthrough) {
      const c = path.counters;
      c.complete(io.isRead, io.isWrite, io.bytes, this.psa.clock.now - io.issuedAt, 0, 0);
    }
    if (io.passthrough && io.device === void 0) return this.completeToIssuer(io, false);
    if (io.passthrough) return io.done(io);
    io.device.owner.completed(io);
  }
  leavePath(io, path) {
    const adapter = path.adapterRef;
    path.outstanding--;
    path.counters.active--;
    adapter.outstanding--;
    this.inFlight--;
    io.inFlight = false;
    const next2 = this.adapterQueues.get(adapter)?.shift();
    if (next2) this.send(next2, next2.path);
  }
  // ---- timeouts ----
  startSweep() {
    if (this.sweeping) return;
    this.sweeping = true;
    this.psa.clock.after(SWEEP_US, this);
  }
  /** The sweep: any command on a path longer than the command timeout is aborted. */
  onTimer() {
    const now = this.psa.clock.now;
    const limit = this.psa.settings.commandTimeoutUs;
    for (const io of this.table) {
      if (io.inFlight && now - io.issuedAt >= limit) this.onIoTimer(io, TIMER_TIMEOUT);
    }
    for (const io of this.passthroughPool) {
      if (io.inFlight && now - io.issuedAt >= limit) this.onIoTimer(io, TIMER_TIMEOUT);
    }
    this.sweeping = false;
    if (this.inFlight > 0) this.startSweep();
  }
  // ---- management commands ----
  /** Sends a management CDB down a path outside the device queue (SATP path checks, activation). */
  sendPassthrough(path, cdb, done, dataOut) {
    const io = this.passthroughPool.find((p) => !p.pluginState.busy) ?? this.newPassthrough();
    io.pluginState.busy = true;
    io.cmd.setCdb(cdb);
    io.cmd.direction = dataOut ? "out" : "in";
    io.cmd.dataLength = dataOut ? dataOut.length : io.capacity;
    if (dataOut) this.psa.arena.u8.set(dataOut, io.buffer);
    io.op = "other";
    io.bytes = 0;
    io.serial = ++this.serial;
    io.submittedAt = this.psa.clock.now;
    io.done = (finished) => {
      finished.pluginState.busy = false;
      done(finished);
    };
    this.issue(io, path);
  }
  newPassthrough() {
    const io = this.makeRequest();
    io.passthrough = true;
    io.capacity = 4096;
    io.buffer = this.psa.arena.alloc(io.capacity);
    io.sgl = this.psa.arena.alloc(SG_ENTRY_SIZE);
    setSingleSegment(this.psa.arena, io.sgl, io.buffer, io.capacity);
    io.cmd.sgl = io.sgl;
    io.cmd.nseg = 1;
    this.passthroughPool.push(io);
    return io;
  }
  /** Data-in of a finished management command. */
  dataIn(io) {
    return this.psa.arena.u8.slice(io.buffer, io.buffer + io.cmd.transferred);
  }
};
function clearResult(io) {
  const cmd = io.cmd;
  cmd.status = 0;
  cmd.hostStatus = 0;
  cmd.senseLength = 0;
  cmd.transferred = 0;
  cmd.serviceUs = 0;
}

// src/stack/psa/registry.ts
var PluginError = class extends Error {
};
var PluginRegistry = class {
  entries = /* @__PURE__ */ new Map();
  register(mpp) {
    if (this.entries.has(mpp.name)) throw new PluginError(`Plugin ${mpp.name} is already loaded`);
    this.entries.set(mpp.name, { mpp, state: "enabled" });
  }
  get(name) {
    return this.entries.get(name)?.mpp;
  }
  state(name) {
    return this.entries.get(name)?.state;
  }
  setState(name, state3) {
    const entry2 = this.entries.get(name);
    if (entry2) entry2.state = state3;
  }
  /** Plugins that take part in claiming, in load order. */
  enabled() {
    return [...this.entries.values()].filter((e) => e.state === "enabled" || e.state === "claiming").map((e) => e.mpp);
  }
  list() {
    return [...this.entries.values()];
  }
  /** Unloads a plugin; refused while any of its devices is open (the plugin is pinned). */
  unregister(name, devices, release) {
    const entry2 = this.entries.get(name);
    if (!entry2) throw new PluginError(`No plugin named ${name} is loaded`);
    const open = [...devices].filter((d) => d.owner === entry2.mpp && d.openCount > 0).map((d) => d.id);
    if (open.length > 0) throw new PluginError(`Plugin ${name} is in use by open devices: ${open.join(", ")}`);
    entry2.state = "disabling";
    release();
    entry2.state = "disabled";
    this.entries.delete(name);
  }
};

// src/stack/psa/psa.ts
var Psa = class {
  constructor(clock, engines, arena, adapters, fabrics, settings) {
    this.clock = clock;
    this.engines = engines;
    this.arena = arena;
    this.adapters = adapters;
    this.fabrics = fabrics;
    this.settings = settings;
    this.io = new IoPath(this);
  }
  clock;
  engines;
  arena;
  adapters;
  fabrics;
  settings;
  /** Every path found, claimed or not, in adapter, target, LUN order. */
  paths = [];
  devices = /* @__PURE__ */ new Map();
  plugins = new PluginRegistry();
  claimRules = new ClaimRules();
  io;
  /** Callbacks run after every rescan or claim (the host re-resolves VM disks). */
  topologyListeners = [];
  // ---- plugins ----
  loadPlugin(mpp) {
    this.plugins.register(mpp);
  }
  /** Unloads a plugin; its paths go back to the unclaimed pool. Refused while its devices are open. */
  unloadPlugin(name) {
    this.plugins.unregister(name, this.devices.values(), () => {
      for (const device of [...this.devices.values()]) if (device.owner.name === name) this.removeDevice(device);
      for (const path of this.paths) if (path.owner === name) this.releasePath(path);
    });
  }
  // ---- devices (called by plugins) ----
  addDevice(device) {
    device.scheduler = this.io.newScheduler();
    this.devices.set(device.id, device);
  }
  removeDevice(device) {
    this.devices.delete(device.id);
  }
  /** A device by its id or any of its other identifiers (vml., plugin ids). */
  device(id) {
    const direct = this.devices.get(id);
    if (direct) return direct;
    for (const d of this.devices.values()) if (d.vmlId === id || d.pluginIds.includes(id)) return d;
    return void 0;
  }
  path(name) {
    return this.paths.find((p) => p.name === name);
  }
  // ---- scanning and claiming ----
  /** Rescan: new paths go to the unclaimed pool, missing ones are destroyed, the rest are kept. */
  rescan() {
    const found = discover(this.arena, this.fabrics);
    const byKey = new Map(this.paths.map((p) => [p.key, p]));
    const keep = /* @__PURE__ */ new Set();
    const added = [];
    for (const f of found) {
      const key = `${f.adapter.name}|${f.port.wwpn}|${f.lun}`;
      const existing = byKey.get(key);
      if (existing && existing.identity.deviceId === f.identity.deviceId) {
        keep.add(existing);
        continue;
      }
      const path = new PathImpl(f.adapter, f.fabric, f.array, f.port, f.targetNumber, f.lun, f.identity);
      keep.add(path);
      added.push(path);
    }
    const removed = this.paths.filter((p) => !keep.has(p));
    for (const path of removed) {
      if (path.owner) this.plugins.get(path.owner)?.pathRemoved(path);
      path.owner = void 0;
    }
    this.paths = [...keep].sort(comparePaths);
    this.claim();
    return { added, removed };
  }
  /** The claim protocol over the unclaimed pool: each path to the plugins in rule order. */
  claim() {
    const unclaimed = this.paths.filter((p) => p.owner === void 0);
    const plugins = this.plugins.enabled();
    for (const mpp of plugins) {
      this.plugins.setState(mpp.name, "claiming");
      mpp.startClaiming();
    }
    const rules = this.claimRules.runtime;
    for (const path of unclaimed) {
      for (const rule of rules) {
        if (!ruleMatches(rule, path)) continue;
        const mpp = plugins.find((m) => m.name === rule.plugin);
        if (mpp && mpp.claimPath(path)) {
          path.owner = mpp.name;
          break;
        }
      }
    }
    for (const mpp of plugins) {
      mpp.endClaiming();
      this.plugins.setState(mpp.name, "enabled");
    }
    for (const listener of this.topologyListeners) listener();
  }
  /** Gives paths back to the unclaimed pool; returns the names of paths whose owner refused. */
  unclaim(paths) {
    const refused = [];
    for (const path of paths) {
      if (path.owner === void 0) continue;
      if (this.plugins.get(path.owner)?.unclaimPath(path) === false) refused.push(path.name);
      else this.releasePath(path);
    }
    return refused;
  }
  releasePath(path) {
    path.owner = void 0;
    path.working = false;
    path.preferred = false;
  }
};
function comparePaths(a, b) {
  return a.adapterRef.number - b.adapterRef.number || a.targetNumber - b.targetNumber || a.lun - b.lun;
}

// src/stack/scenario/classroom.json
var classroom_default = {
  name: "classroom",
  description: "One array of each personality on two redundant FC fabrics, plus a local SAS disk. Three VMs share the storage with low, normal and high shares. Host settings are ESXi's defaults except pathEvalIntervalSec, 30 s instead of 300 s, so path changes show up quickly in a lab.",
  seed: 1,
  adapters: [
    {
      name: "vmhba0",
      transport: "sas",
      driver: "lsi_msgpt3",
      queueDepth: 600,
      wwpn: "50:06:05:b0:0b:1c:4e:80",
      description: "Avago (LSI) Fusion-MPT 12GSAS SAS3008 PCI-Express"
    },
    {
      name: "vmhba1",
      transport: "fc",
      driver: "qlnativefc",
      queueDepth: 1024,
      wwpn: "21:00:00:24:ff:3d:fa:88",
      wwnn: "20:00:00:24:ff:3d:fa:88",
      description: "QLogic Corp QLE2562 Dual Port 8Gb Fibre Channel to PCIe Adapter"
    },
    {
      name: "vmhba2",
      transport: "fc",
      driver: "qlnativefc",
      queueDepth: 1024,
      wwpn: "21:00:00:24:ff:3d:fa:89",
      wwnn: "20:00:00:24:ff:3d:fa:89",
      description: "QLogic Corp QLE2562 Dual Port 8Gb Fibre Channel to PCIe Adapter"
    }
  ],
  fabrics: [
    {
      name: "fabric-a",
      adapters: ["vmhba1"],
      targets: ["50:01:40:5a:01:00:00:00", "50:01:40:5a:01:00:01:00", "50:01:40:5a:02:00:00:00", "50:01:40:5a:03:00:00:00"],
      latencyUs: 20
    },
    {
      name: "fabric-b",
      adapters: ["vmhba2"],
      targets: ["50:01:40:5a:01:00:00:01", "50:01:40:5a:01:00:01:01", "50:01:40:5a:02:00:01:00", "50:01:40:5a:03:00:01:00"],
      latencyUs: 20
    },
    {
      name: "local-sas",
      adapters: ["vmhba0"],
      targets: ["50:00:c5:00:8a:3b:2c:11"],
      latencyUs: 5
    }
  ],
  arrays: [
    {
      name: "alua-array",
      personality: "alua",
      vendor: "PATHLAB",
      product: "ALUA-VA",
      revision: "0100",
      oui: 5125,
      serial: 169476097,
      sps: [
        {
          name: "SPA",
          ports: [{ wwpn: "50:01:40:5a:01:00:00:00" }, { wwpn: "50:01:40:5a:01:00:00:01" }]
        },
        {
          name: "SPB",
          ports: [{ wwpn: "50:01:40:5a:01:00:01:00" }, { wwpn: "50:01:40:5a:01:00:01:01" }]
        }
      ],
      luns: [
        { lun: 0, blocks: 20971520, blockSize: 512, owner: 0 },
        { lun: 1, blocks: 20971520, blockSize: 512, owner: 1 },
        { lun: 2, blocks: 5242880, blockSize: 4096, owner: 0 },
        { lun: 3, blocks: 209715200, blockSize: 512, owner: 1, cacheMode: "write-back" }
      ],
      serviceTime: { fixedUs: 150, perKiBUs: 2, jitterUs: 50 },
      alua: "both",
      transitionUs: 2e5
    },
    {
      name: "ap-array",
      personality: "active-passive",
      vendor: "PATHLAB",
      product: "AP-VA",
      revision: "0100",
      oui: 5125,
      serial: 177864706,
      sps: [
        {
          name: "SPA",
          ports: [{ wwpn: "50:01:40:5a:02:00:00:00" }]
        },
        {
          name: "SPB",
          ports: [{ wwpn: "50:01:40:5a:02:00:01:00" }]
        }
      ],
      luns: [
        { lun: 0, blocks: 104857600, blockSize: 512, owner: 0 },
        { lun: 1, blocks: 104857600, blockSize: 512, owner: 1 }
      ],
      serviceTime: { fixedUs: 300, perKiBUs: 4, jitterUs: 100 }
    },
    {
      name: "aa-array",
      personality: "active-active",
      vendor: "PATHLAB",
      product: "AA-VA",
      revision: "0100",
      oui: 5125,
      serial: 178913283,
      sps: [
        {
          name: "CTL0",
          ports: [{ wwpn: "50:01:40:5a:03:00:00:00" }]
        },
        {
          name: "CTL1",
          ports: [{ wwpn: "50:01:40:5a:03:00:01:00" }]
        }
      ],
      luns: [
        { lun: 0, blocks: 2147483648, blockSize: 512 },
        { lun: 1, blocks: 268435456, blockSize: 4096, cacheMode: "write-back" }
      ],
      serviceTime: { fixedUs: 100, perKiBUs: 1, jitterUs: 30 }
    },
    {
      name: "local-disk",
      personality: "active-active",
      vendor: "SEAGATE",
      product: "ST300MM0008",
      revision: "0001",
      oui: 3152,
      serial: 66234652,
      sps: [
        {
          name: "DISK",
          ports: [{ wwpn: "50:00:c5:00:8a:3b:2c:11" }]
        }
      ],
      luns: [
        { lun: 0, blocks: 585937500, blockSize: 512 }
      ],
      serviceTime: { fixedUs: 3e3, perKiBUs: 5, jitterUs: 2e3 },
      identifiers: "none"
    }
  ],
  vms: [
    {
      name: "web01",
      shares: "normal",
      disks: [
        { array: "alua-array", lun: 0 }
      ]
    },
    {
      name: "db01",
      shares: "high",
      disks: [
        { array: "alua-array", lun: 1 },
        { array: "aa-array", lun: 0 }
      ]
    },
    {
      name: "backup01",
      shares: "low",
      iopsLimit: 500,
      disks: [
        { array: "ap-array", lun: 0 }
      ]
    }
  ],
  settings: { pathEvalIntervalSec: 30 }
};

// src/stack/scenario/check.ts
function at(path, key) {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}
function show(value) {
  if (value === void 0) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}\u2026` : value);
  return String(value);
}
function keysOf(all) {
  return Object.keys(all);
}
var WWN = /^[0-9a-f]{2}(:[0-9a-f]{2}){7}$/i;
var WWN_TEXT = 'a WWN of 8 colon-separated hex bytes like "50:01:40:5a:01:00:00:00"';
var Checker = class {
  problems = [];
  problem(path, message) {
    this.problems.push(`${path}: ${message}`);
    return void 0;
  }
  /** "path: must be <what>, got <value>", or "path: missing, must be <what>". */
  expected(path, what, got) {
    return this.problem(path, got === void 0 ? `missing, must be ${what}` : `must be ${what}, got ${show(got)}`);
  }
  /** A plain object whose keys are all in `known`; unknown keys are reported (typo guard). */
  object(path, value, known) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return this.expected(path, "an object", value);
    const o = value;
    for (const key of Object.keys(o)) {
      if (known.includes(key)) continue;
      const near = known.find((k) => similar(k, key));
      const hint = near ? `did you mean "${near}"?` : `known keys: ${known.join(", ")}`;
      this.problem(at(path, key), `unknown key (${hint})`);
    }
    return o;
  }
  list(path, value, nonEmpty = false) {
    if (!Array.isArray(value)) return this.expected(path, nonEmpty ? "a non-empty list" : "a list", value);
    if (nonEmpty && value.length === 0) return this.problem(path, "must not be empty");
    return value;
  }
  /** A string that passes `test` (default: non-empty); `what` says what is expected. */
  string(path, value, what = "a non-empty string", test = (s) => s.length > 0) {
    return typeof value === "string" && test(value) ? value : this.expected(path, what, value);
  }
  /** An ASCII text field of a SCSI INQUIRY answer: printable ASCII, 1..max characters. */
  ascii(path, value, max) {
    const what = `a string of 1 to ${max} printable ASCII characters`;
    return this.string(path, value, what, (s) => s.length >= 1 && s.length <= max && /^[\x20-\x7e]*$/.test(s));
  }
  /** A WWN (port or node name), returned in lower case so that names compare with ===. */
  wwn(path, value) {
    return this.string(path, value, WWN_TEXT, (s) => WWN.test(s))?.toLowerCase();
  }
  int(path, value, min, max = Number.MAX_SAFE_INTEGER) {
    const what = max === Number.MAX_SAFE_INTEGER ? `an integer \u2265 ${min}` : `an integer ${min}..${max}`;
    return Number.isSafeInteger(value) && value >= min && value <= max ? value : this.expected(path, what, value);
  }
  /** A finite number in [min, max]; `above` makes min exclusive. */
  number(path, value, min, max = Infinity, above = false) {
    const low = above ? `> ${min}` : `\u2265 ${min}`;
    const what = max === Infinity ? `a number ${low}` : `a number ${min}..${max}`;
    const ok = typeof value === "number" && Number.isFinite(value) && (above ? value > min : value >= min) && value <= max;
    return ok ? value : this.expected(path, what, value);
  }
  bool(path, value) {
    return typeof value === "boolean" ? value : this.expected(path, "true or false", value);
  }
  oneOf(path, value, options) {
    return options.includes(value) ? value : this.expected(path, choices(options), value);
  }
  /** Records `key` as seen at `path`; reports a duplicate with the path where it was first seen. */
  unique(seen, key, path, what) {
    if (key === void 0) return;
    const first = seen.get(key);
    if (first !== void 0) this.problem(path, `duplicate ${what} "${key}" (first at ${first})`);
    else seen.set(key, path);
  }
};
function choices(options) {
  const shown = options.map((o) => typeof o === "string" ? JSON.stringify(o) : String(o));
  return shown.length === 2 ? `${shown[0]} or ${shown[1]}` : `one of ${shown.join(", ")}`;
}
function similar(known, key) {
  const k = known.toLowerCase();
  const u = key.toLowerCase();
  return k === u || u.length >= 4 && k.startsWith(u) || editDistance(k, u) <= 2;
}
function editDistance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

// src/stack/scenario/validate-arrays.ts
var ARRAY_KEYS = keysOf({
  name: 0,
  personality: 0,
  vendor: 0,
  product: 0,
  revision: 0,
  oui: 0,
  serial: 0,
  sps: 0,
  luns: 0,
  serviceTime: 0,
  alua: 0,
  transitionUs: 0,
  implicitFollowIo: 0,
  autoTrespass: 0,
  descriptorSense: 0,
  identifiers: 0
});
var SP_KEYS = keysOf({ name: 0, ports: 0 });
var PORT_KEYS = ["wwpn"];
var LUN_KEYS = keysOf({ lun: 0, blocks: 0, blockSize: 0, cacheMode: 0, owner: 0 });
var SERVICE_KEYS = keysOf({ fixedUs: 0, perKiBUs: 0, jitterUs: 0 });
var PERSONALITIES = keysOf({ "active-active": 0, "active-passive": 0, alua: 0 });
var CACHE_MODES = keysOf({ "write-through": 0, "write-back": 0 });
var MAX_LUN = 16383;
var MAX_SERIAL = 2 ** 36 - 1;
function checkArrays(c, value, wwpns) {
  const arrays = [];
  const luns = /* @__PURE__ */ new Map();
  const ports = /* @__PURE__ */ new Set();
  const names = /* @__PURE__ */ new Map();
  const naaIds = /* @__PURE__ */ new Map();
  (c.list("arrays", value) ?? []).forEach((raw, i) => {
    const path = at("arrays", i);
    const o = c.object(path, raw, ARRAY_KEYS);
    if (!o) return;
    const name = c.string(at(path, "name"), o.name);
    c.unique(names, name, at(path, "name"), "array name");
    const oui = c.int(at(path, "oui"), o.oui, 0, 16777215);
    const serial = c.int(at(path, "serial"), o.serial, 0, MAX_SERIAL);
    const identifiers = o.identifiers === void 0 ? "naa" : c.oneOf(at(path, "identifiers"), o.identifiers, ["naa", "none"]);
    if (identifiers === "naa" && oui !== void 0 && serial !== void 0) {
      const id = `OUI 0x${oui.toString(16).padStart(6, "0")} serial 0x${serial.toString(16)}`;
      c.unique(naaIds, id, at(path, "serial"), "NAA identity");
    }
    const sps = checkSps(c, path, o.sps, wwpns);
    for (const sp of sps ?? []) for (const port of sp.ports) ports.add(port.wwpn);
    const lunList = checkLuns(c, path, o.luns, sps?.length);
    if (name !== void 0 && !luns.has(name)) luns.set(name, new Set(lunList?.map((l) => l.lun)));
    const array = {
      name,
      personality: c.oneOf(at(path, "personality"), o.personality, PERSONALITIES),
      vendor: c.ascii(at(path, "vendor"), o.vendor, 8),
      product: c.ascii(at(path, "product"), o.product, 16),
      revision: c.ascii(at(path, "revision"), o.revision, 4),
      oui,
      serial,
      sps,
      luns: lunList,
      serviceTime: checkServiceTime(c, at(path, "serviceTime"), o.serviceTime),
      alua: o.alua === void 0 ? "both" : c.oneOf(at(path, "alua"), o.alua, ["implicit", "explicit", "both"]),
      transitionUs: o.transitionUs === void 0 ? 2e5 : c.number(at(path, "transitionUs"), o.transitionUs, 0),
      implicitFollowIo: o.implicitFollowIo === void 0 ? 0 : c.int(at(path, "implicitFollowIo"), o.implicitFollowIo, 0),
      autoTrespass: o.autoTrespass === void 0 ? false : c.bool(at(path, "autoTrespass"), o.autoTrespass),
      descriptorSense: o.descriptorSense === void 0 ? false : c.bool(at(path, "descriptorSense"), o.descriptorSense),
      identifiers
    };
    arrays.push(array);
  });
  return { arrays, luns, ports };
}
function checkSps(c, path, value, wwpns) {
  const list = c.list(at(path, "sps"), value, true);
  if (!list) return void 0;
  const names = /* @__PURE__ */ new Map();
  return list.map((raw, s) => {
    const spPath = at(at(path, "sps"), s);
    const o = c.object(spPath, raw, SP_KEYS);
    if (!o) return { name: "", ports: [] };
    const name = c.string(at(spPath, "name"), o.name);
    c.unique(names, name, at(spPath, "name"), "storage processor name");
    const ports = (c.list(at(spPath, "ports"), o.ports, true) ?? []).map((rawPort, p) => {
      const portPath = at(at(spPath, "ports"), p);
      const port = c.object(portPath, rawPort, PORT_KEYS);
      if (!port) return { wwpn: "" };
      const wwpn = c.wwn(at(portPath, "wwpn"), port.wwpn);
      c.unique(wwpns, wwpn, at(portPath, "wwpn"), "WWPN");
      return { wwpn };
    });
    return { name, ports };
  });
}
function checkLuns(c, path, value, spCount) {
  const list = c.list(at(path, "luns"), value);
  if (!list) return void 0;
  const numbers = /* @__PURE__ */ new Map();
  return list.map((raw, l) => {
    const lunPath = at(at(path, "luns"), l);
    const o = c.object(lunPath, raw, LUN_KEYS);
    if (!o) return { lun: -1, blocks: 0, blockSize: 512 };
    const lun = c.int(at(lunPath, "lun"), o.lun, 0, MAX_LUN);
    c.unique(numbers, lun?.toString(), at(lunPath, "lun"), "LUN number");
    const config2 = {
      lun,
      blocks: c.int(at(lunPath, "blocks"), o.blocks, 1),
      blockSize: c.oneOf(at(lunPath, "blockSize"), o.blockSize, [512, 4096])
    };
    if (o.cacheMode !== void 0) config2.cacheMode = c.oneOf(at(lunPath, "cacheMode"), o.cacheMode, CACHE_MODES);
    if (o.owner !== void 0) {
      config2.owner = spCount ? c.int(at(lunPath, "owner"), o.owner, 0, spCount - 1) : o.owner;
    }
    return config2;
  });
}
function checkServiceTime(c, path, value) {
  const o = c.object(path, value, SERVICE_KEYS);
  if (!o) return { fixedUs: 0, perKiBUs: 0, jitterUs: 0 };
  return {
    fixedUs: c.number(at(path, "fixedUs"), o.fixedUs, 0),
    perKiBUs: c.number(at(path, "perKiBUs"), o.perKiBUs, 0),
    jitterUs: c.number(at(path, "jitterUs"), o.jitterUs, 0)
  };
}

// src/stack/scenario/types.ts
var DEFAULT_SETTINGS = {
  apdTimeoutSec: 140,
  pathEvalIntervalSec: 300,
  commandTimeoutSec: 30,
  schedNumReqOutstanding: 32,
  deviceQueueDepth: 64
};

// src/stack/scenario/validate.ts
var ScenarioError = class extends Error {
  /** One line per problem: "<json path>: <what is wrong>". */
  problems;
  constructor(problems) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`invalid scenario (${count}):
${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ScenarioError";
    this.problems = problems;
  }
};
var SHARES = { low: 500, normal: 1e3, high: 2e3 };
function sharesValue(shares) {
  return typeof shares === "number" ? shares : SHARES[shares];
}
var SCENARIO_KEYS = keysOf({ name: 0, description: 0, seed: 0, adapters: 0, fabrics: 0, arrays: 0, vms: 0, settings: 0 });
var ADAPTER_KEYS = keysOf({ name: 0, transport: 0, driver: 0, queueDepth: 0, wwpn: 0, wwnn: 0, description: 0 });
var FABRIC_KEYS = keysOf({ name: 0, adapters: 0, targets: 0, latencyUs: 0 });
var VM_KEYS = keysOf({ name: 0, shares: 0, iopsLimit: 0, disks: 0 });
var DISK_KEYS = keysOf({ array: 0, lun: 0 });
var TRANSPORTS = keysOf({ fc: 0, iscsi: 0, sas: 0, sata: 0, block: 0, usb: 0, ide: 0, parallel: 0, unknown: 0 });
var SETTINGS = {
  apdTimeoutSec: (c, p, v) => c.int(p, v, 20, 99999),
  // Misc.APDTimeout's range
  pathEvalIntervalSec: (c, p, v) => c.number(p, v, 0, Infinity, true),
  commandTimeoutSec: (c, p, v) => c.number(p, v, 0, Infinity, true),
  schedNumReqOutstanding: (c, p, v) => c.int(p, v, 1, 8192),
  deviceQueueDepth: (c, p, v) => c.int(p, v, 1, 8192)
};
function parseScenario(input) {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ScenarioError([`scenario: must be a JSON object, got ${input === null ? "null" : Array.isArray(input) ? "a list" : typeof input}`]);
  }
  const c = new Checker();
  const o = c.object("", input, SCENARIO_KEYS);
  const name = c.string("name", o.name);
  const description = o.description === void 0 ? void 0 : c.string("description", o.description, "a string", () => true);
  const seed = o.seed === void 0 ? 1 : c.int("seed", o.seed, 0, 4294967295);
  const wwpns = /* @__PURE__ */ new Map();
  const adapters = checkAdapters(c, o.adapters, wwpns);
  const { arrays, luns, ports } = checkArrays(c, o.arrays, wwpns);
  const fabrics = checkFabrics(c, o.fabrics, adapters, ports);
  const vms = checkVms(c, o.vms, luns);
  const settings = checkSettings(c, o.settings);
  if (c.problems.length > 0) throw new ScenarioError(c.problems);
  const scenario = { name, seed, adapters, fabrics, arrays, vms, settings };
  if (description !== void 0) scenario.description = description;
  return scenario;
}
function checkAdapters(c, value, wwpns) {
  const names = /* @__PURE__ */ new Map();
  const adapters = [];
  (c.list("adapters", value) ?? []).forEach((raw, i) => {
    const path = at("adapters", i);
    const o = c.object(path, raw, ADAPTER_KEYS);
    if (!o) return;
    const name = c.string(at(path, "name"), o.name, 'a name like "vmhba1"', (s) => /^vmhba\d+$/.test(s));
    c.unique(names, name, at(path, "name"), "adapter name");
    const adapter = {
      name,
      transport: c.oneOf(at(path, "transport"), o.transport, TRANSPORTS),
      driver: c.string(at(path, "driver"), o.driver),
      queueDepth: c.int(at(path, "queueDepth"), o.queueDepth, 1, 8192)
    };
    if (o.wwpn !== void 0) {
      adapter.wwpn = c.wwn(at(path, "wwpn"), o.wwpn);
      c.unique(wwpns, adapter.wwpn, at(path, "wwpn"), "WWPN");
    }
    if (o.wwnn !== void 0) adapter.wwnn = c.wwn(at(path, "wwnn"), o.wwnn);
    if (o.description !== void 0) adapter.description = c.string(at(path, "description"), o.description, "a string", () => true);
    adapters.push(adapter);
  });
  return adapters;
}
function checkFabrics(c, value, adapters, ports) {
  const names = /* @__PURE__ */ new Map();
  const cabled = /* @__PURE__ */ new Map();
  const fabrics = [];
  (c.list("fabrics", value) ?? []).forEach((raw, i) => {
    const path = at("fabrics", i);
    const o = c.object(path, raw, FABRIC_KEYS);
    if (!o) return;
    const name = c.string(at(path, "name"), o.name);
    c.unique(names, name, at(path, "name"), "fabric name");
    const members = (key, check) => (c.list(at(path, key), o[key]) ?? []).map((v, j) => {
      const p = at(at(path, key), j);
      const member = check(p, v);
      c.unique(cabled, member, p, key === "adapters" ? "adapter" : "target port");
      return member;
    });
    const fabric = {
      name,
      adapters: members("adapters", (p, v) => {
        const adapter = c.string(p, v, "an adapter name");
        if (adapter === void 0 || adapters.some((a) => a.name === adapter)) return adapter;
        return c.problem(p, `no adapter named "${adapter}"`);
      }),
      targets: members("targets", (p, v) => {
        const wwpn = c.wwn(p, v);
        if (wwpn === void 0 || ports.has(wwpn)) return wwpn;
        return c.problem(p, `no array target port has WWPN ${wwpn}`);
      }),
      latencyUs: c.number(at(path, "latencyUs"), o.latencyUs, 0)
    };
    fabrics.push(fabric);
  });
  return fabrics;
}
function checkVms(c, value, luns) {
  const names = /* @__PURE__ */ new Map();
  const vms = [];
  (c.list("vms", value) ?? []).forEach((raw, i) => {
    const path = at("vms", i);
    const o = c.object(path, raw, VM_KEYS);
    if (!o) return;
    const name = c.string(at(path, "name"), o.name);
    c.unique(names, name, at(path, "name"), "VM name");
    const sharesOk = Number.isInteger(o.shares) && o.shares >= 200 && o.shares <= 4e3 || Object.hasOwn(SHARES, o.shares);
    if (!sharesOk) c.expected(at(path, "shares"), 'an integer 200..4000 or "low", "normal", "high"', o.shares);
    const iopsOk = o.iopsLimit === void 0 || o.iopsLimit === -1 || Number.isSafeInteger(o.iopsLimit) && o.iopsLimit > 0;
    if (!iopsOk) c.expected(at(path, "iopsLimit"), "-1 (unlimited) or a positive integer", o.iopsLimit);
    const disks = (c.list(at(path, "disks"), o.disks) ?? []).map((rawDisk, d) => {
      const diskPath = at(at(path, "disks"), d);
      const disk = c.object(diskPath, rawDisk, DISK_KEYS);
      if (!disk) return { array: "", lun: -1 };
      const array = c.string(at(diskPath, "array"), disk.array, "an array name");
      const lun = c.int(at(diskPath, "lun"), disk.lun, 0);
      if (array !== void 0 && lun !== void 0) {
        const arrayLuns = luns.get(array);
        if (!arrayLuns) c.problem(diskPath, `no array named "${array}"`);
        else if (!arrayLuns.has(lun)) c.problem(diskPath, `array "${array}" has no LUN ${lun}`);
      }
      return { array, lun };
    });
    vms.push({ name, shares: o.shares, iopsLimit: o.iopsLimit ?? -1, disks });
  });
  return vms;
}
function checkSettings(c, value) {
  const settings = { ...DEFAULT_SETTINGS };
  if (value === void 0) return settings;
  const o = c.object("settings", value, Object.keys(SETTINGS));
  if (!o) return settings;
  for (const key of Object.keys(SETTINGS)) {
    if (o[key] === void 0) continue;
    const v = SETTINGS[key](c, at("settings", key), o[key]);
    if (v !== void 0) settings[key] = v;
  }
  if (settings.schedNumReqOutstanding > settings.deviceQueueDepth) {
    const got = `${settings.schedNumReqOutstanding} > ${settings.deviceQueueDepth}`;
    c.problem("settings.schedNumReqOutstanding", `must not exceed settings.deviceQueueDepth, got ${got}`);
  }
  return settings;
}

// src/stack/scenario/classroom.ts
var classroomScenario = parseScenario(classroom_default);

// src/stack/sim/clock.ts
var Clock = class {
  /** Virtual time now, in microseconds. */
  now = 0;
  times = [];
  seqs = [];
  targets = [];
  args = [];
  /** Heap of slot indexes ordered by (time, seq). */
  heap = [];
  freeSlots = [];
  seq = 0;
  /** Work outside virtual time (an IndexedDB load) that must finish before time may advance. */
  holds = 0;
  released = [];
  /** Wakes `target` with `arg` at virtual time `at` (never earlier than now). */
  at(at2, target, arg = 0) {
    const slot = this.freeSlots.pop() ?? this.times.length;
    this.times[slot] = Math.max(at2, this.now);
    this.seqs[slot] = this.seq++;
    this.targets[slot] = target;
    this.args[slot] = arg;
    this.heap.push(slot);
    this.siftUp(this.heap.length - 1);
  }
  after(delayUs, target, arg = 0) {
    this.at(this.now + delayUs, target, arg);
  }
  /** Time of the next event, or Infinity. */
  get next() {
    return this.heap.length === 0 ? Infinity : this.times[this.heap[0]];
  }
  get pending() {
    return this.heap.length;
  }
  /** Keeps time from advancing until release(); for work that completes outside virtual time. */
  hold() {
    this.holds++;
  }
  release() {
    if (--this.holds === 0) {
      const waiting = this.released;
      this.released = [];
      for (const resume of waiting) resume();
    }
  }
  get held() {
    return this.holds > 0;
  }
  /** Resolves once nothing holds the clock. */
  whenReleased() {
    return this.holds === 0 ? Promise.resolve() : new Promise((resolve) => this.released.push(resolve));
  }
  /**
   * Fires events up to and including virtual time `until`, then sets now to `until`. Stops early
   * (returning false) when something holds the clock; call again after whenReleased().
   */
  runUntil(until) {
    while (this.heap.length > 0 && this.times[this.heap[0]] <= until) {
      if (this.holds > 0) return false;
      this.fireNext();
    }
    if (this.holds > 0) return false;
    this.now = Math.max(this.now, until);
    return true;
  }
  /** Fires the earliest event. */
  fireNext() {
    const slot = this.heap[0];
    const last = this.heap.pop();
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    this.now = this.times[slot];
    const target = this.targets[slot];
    this.targets[slot] = void 0;
    this.freeSlots.push(slot);
    target.onTimer(this.args[slot]);
  }
  less(a, b) {
    const ta = this.times[a];
    const tb = this.times[b];
    return ta < tb || ta === tb && this.seqs[a] < this.seqs[b];
  }
  siftUp(i) {
    const heap = this.heap;
    while (i > 0) {
      const parent = i - 1 >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      const t = heap[i];
      heap[i] = heap[parent];
      heap[parent] = t;
      i = parent;
    }
  }
  siftDown(i) {
    const heap = this.heap;
    for (; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.less(heap[l], heap[m])) m = l;
      if (r < heap.length && this.less(heap[r], heap[m])) m = r;
      if (m === i) return;
      const t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      i = m;
    }
  }
};

// src/stack/host.ts
var Host2 = class _Host {
  constructor(scenario, seed, engines, arena, store, arrays) {
    this.scenario = scenario;
    this.seed = seed;
    this.engines = engines;
    this.arena = arena;
    this.store = store;
    this.arrays = arrays;
    for (const array of arrays) array.now = () => this.clock.now;
    this.adapters = scenario.adapters.map((a) => new HostAdapter(a));
    this.fabrics = scenario.fabrics.map((f) => {
      const targets = f.targets.map((wwpn) => {
        const array = arrays.find((a) => a.portByName(wwpn));
        return { array, port: array.portByName(wwpn) };
      });
      return new Fabric(f.name, f.adapters.map((n) => this.adapter(n)), targets, f.latencyUs);
    });
    const s = scenario.settings;
    this.psa = new Psa(this.clock, engines, arena, this.adapters, this.fabrics, {
      commandTimeoutUs: s.commandTimeoutSec * 1e6,
      deviceQueueDepth: s.deviceQueueDepth,
      schedNumReqOutstanding: s.schedNumReqOutstanding
    });
    this.nmp = new Nmp(this.psa, { apdTimeoutUs: s.apdTimeoutSec * 1e6, pathEvalIntervalUs: s.pathEvalIntervalSec * 1e6 });
    this.nmp.log = (line) => this.log(line);
    this.vms = scenario.vms.map((vm) => ({
      name: vm.name,
      shares: sharesValue(vm.shares),
      iopsLimit: vm.iopsLimit ?? -1,
      disks: vm.disks.map((d, i) => ({ world: `${vm.name}:${i}`, array: d.array, lun: d.lun, device: void 0 }))
    }));
    this.psa.topologyListeners.push(() => this.resolveDisks());
  }
  scenario;
  seed;
  engines;
  arena;
  store;
  clock = new Clock();
  arrays;
  adapters;
  fabrics;
  psa;
  nmp;
  maskPath = new MaskPath();
  vms;
  logLines = [];
  static async boot(options = {}) {
    const scenario = options.scenario ?? classroomScenario;
    const seed = options.seed ?? scenario.seed;
    const engines = await loadEngines(options.engine);
    const arena = new Arena(engines.sgcopy);
    const store = options.store === "indexeddb" ? await IndexedDbBlockStore.open(arena, options.databaseName) : new MemoryBlockStore(arena);
    const env = { arena, codec: engines.cdb, store, seed };
    const arrays = [];
    for (const config2 of scenario.arrays) arrays.push(await StorageArray.create(config2, env));
    const host = new _Host(scenario, seed, engines, arena, store, arrays);
    host.psa.loadPlugin(host.maskPath);
    host.psa.loadPlugin(host.nmp);
    host.psa.claimRules.load();
    host.psa.rescan();
    host.settle();
    return host;
  }
  /** Runs virtual time a little, so path checks started by a scan or a fault have answered. */
  settle() {
    this.clock.runUntil(this.clock.now + 1e4);
  }
  /** Runs virtual time forward by `us`, waiting whenever the block store holds the clock. */
  async advance(us) {
    const until = this.clock.now + us;
    while (!this.clock.runUntil(until)) await this.clock.whenReleased();
  }
  adapter(name) {
    return this.adapters.find((a) => a.name === name);
  }
  array(name) {
    return this.arrays.find((a) => a.name === name);
  }
  vm(name) {
    return this.vms.find((v) => v.name === name);
  }
  /** A line in the host's log, stamped with virtual time as vmkernel.log stamps real time. */
  log(line) {
    this.logLines.push(`${(this.clock.now / 1e6).toFixed(6)}s ${line}`);
  }
  /** Maps each VM disk to the device that discovery found behind its array and LUN. */
  resolveDisks() {
    for (const vm of this.vms) {
      for (const disk of vm.disks) {
        const path = this.psa.paths.find((p) => p.array.name === disk.array && p.lun === disk.lun && p.owner === "NMP");
        disk.device = path ? this.psa.device(path.identity.deviceId) : void 0;
      }
    }
  }
  close() {
    this.store.close();
  }
};

// bench/stack.ts
var DEVICE = "naa.600140500a1a00010000000000000000";
var IODEPTH = 32;
var BS = 4096;
async function stackIops(engine, commands) {
  const host = await Host2.boot({ engine });
  const device = host.nmp.device(DEVICE);
  host.nmp.setDevicePsp(device, "VMW_PSP_RR", { limitType: "iops", iops: 1e3, useANO: true });
  const logical = device.logical;
  const blocks = BS / logical.blockSize;
  const span = Math.floor(Math.min(logical.blocks, 2 ** 21) / blocks);
  const random = new SeededRandom(7);
  const io = host.psa.io;
  let completed = 0;
  let issued = 0;
  const next2 = (r) => {
    if (issued >= commands) return;
    issued++;
    io.prepareReadWrite(r, "read", random.below(span) * blocks, blocks, logical.blockSize);
    io.submit(r, logical, "bench");
  };
  const onDone = (r) => {
    completed++;
    next2(r);
  };
  const requests = Array.from({ length: IODEPTH }, () => {
    const r = io.newRequest(BS);
    r.done = onDone;
    return r;
  });
  const started = performance.now();
  for (const r of requests) next2(r);
  while (completed < commands) host.clock.runUntil(host.clock.now + 1e6);
  const seconds = (performance.now() - started) / 1e3;
  host.close();
  return commands / seconds;
}

// tmp/bench3.ts
(async () => {
  for (const e of ["wasm", "typescript", "wasm", "wasm"]) console.log(e, Math.round(await stackIops(e, 3e5)));
})();
