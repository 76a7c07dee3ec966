// The limits the Block Limits VPD page (0xB0) and RECEIVE COPY RESULTS advertise, in one place with
// the commands that enforce them, so what a host reads is exactly what the array does.

import { EXTENT_SIZE } from '../../blockstore/block-store';
import type { LogicalUnit } from '../logical-unit';

/** Largest READ or WRITE, in bytes (MAXIMUM TRANSFER LENGTH). */
export const MAX_TRANSFER_BYTES = 8 * 1024 * 1024;
/** Largest transfer the array prefers (OPTIMAL TRANSFER LENGTH). */
export const OPTIMAL_TRANSFER_BYTES = 256 * 1024;
/** MAXIMUM COMPARE AND WRITE LENGTH, in blocks (a one-byte field; ESXi's ATS uses 1). */
export const MAX_COMPARE_AND_WRITE_BLOCKS = 8;
/** Largest WRITE SAME, in bytes: written ranges are backed in memory, so this bounds one command. */
export const MAX_WRITE_SAME_BYTES = 32 * 1024 * 1024;
/** Largest UNMAP (all its descriptors together), in bytes. */
export const MAX_UNMAP_BYTES = 1024 * 1024 * 1024;
/** MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT. */
export const MAX_UNMAP_DESCRIPTORS = 64;

// EXTENDED COPY (LID1), reported by RECEIVE COPY RESULTS with OPERATING PARAMETERS.
/** MAXIMUM CSCD (target) DESCRIPTOR COUNT. */
export const MAX_TARGET_DESCRIPTORS = 8;
/** MAXIMUM SEGMENT DESCRIPTOR COUNT. */
export const MAX_SEGMENT_DESCRIPTORS = 8;
/** MAXIMUM SEGMENT LENGTH, in bytes (ESXi's default DataMover.MaxHWTransferSize is 4 MB). */
export const MAX_SEGMENT_BYTES = 8 * 1024 * 1024;
/** MAXIMUM DESCRIPTOR LIST LENGTH: target and segment descriptors together, in bytes. */
export const MAX_DESCRIPTOR_LIST_LENGTH = 1024;

/** MAXIMUM WRITE SAME LENGTH in blocks of this LUN. */
export const maxWriteSameBlocks = (lun: LogicalUnit): number => MAX_WRITE_SAME_BYTES / lun.blockSize;
/** MAXIMUM UNMAP LBA COUNT in blocks of this LUN; 0 (UNMAP not implemented) when it is thick. */
export const maxUnmapBlocks = (lun: LogicalUnit): number => (lun.thin ? MAX_UNMAP_BYTES / lun.blockSize : 0);
/**
 * OPTIMAL UNMAP GRANULARITY in blocks: memory goes back in whole extents of the block store, so an
 * UNMAP of anything smaller only zeroes the blocks.
 */
export const unmapGranularityBlocks = (lun: LogicalUnit): number => EXTENT_SIZE / lun.blockSize;
