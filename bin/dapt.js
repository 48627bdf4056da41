#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader, so `npx dapt` works right after
// `npm ci` with no build step, and stage processes start the same way.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/entry.ts');
