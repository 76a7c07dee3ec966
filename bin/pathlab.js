#!/usr/bin/env node
// Runs the TypeScript command line through tsx, so the CLI and the browser share one source.
import { register } from 'tsx/esm/api';

register();
await import('../src/node/pathlab.ts');
