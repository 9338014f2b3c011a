/**
 * The system's Chromium for the browser tests (found by `services.ts`: CHROMIUM_PATH or PATH),
 * launched as a closed machine needs: headless, no sandbox (tests may run as root), and none of
 * the background networking it would try at start.
 */
import { chromium } from './services.js';

export const CHROMIUM_PATH: string = chromium.path ?? 'chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
