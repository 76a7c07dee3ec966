// MASK_PATH: a plugin that claims the paths its claim rules give it and builds no device from them,
// so they disappear from the host's view. Unclaiming a path hands it back for other rules.

import type { Mpp } from './mpp';
import type { PathImpl } from './path';

export class MaskPath implements Mpp {
  readonly name = 'MASK_PATH';
  readonly pluginClass = 'MP' as const;
  readonly masked = new Set<PathImpl>();

  startClaiming(): void {}

  claimPath(path: PathImpl): boolean {
    this.masked.add(path);
    path.working = false;
    return true;
  }

  endClaiming(): void {}

  unclaimPath(path: PathImpl): boolean {
    this.masked.delete(path);
    return true;
  }

  pathRemoved(path: PathImpl): void {
    this.masked.delete(path);
  }

  start(): void {
    throw new Error('MASK_PATH owns no devices');
  }

  completed(): void {}
}
