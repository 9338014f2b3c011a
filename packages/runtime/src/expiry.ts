import type { PolicyDecision, PolicyInfo } from './config.js';
import { parseDuration } from './duration.js';

/** When an entry was made, when it expires, and when its stale-while-revalidate window ends. */
export interface Times {
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly staleUntil: number;
}

export function isFresh(entry: { readonly expiresAt: number }, now: number): boolean {
  return entry.expiresAt === Number.POSITIVE_INFINITY || entry.expiresAt > now;
}

/**
 * The times of a value stored now in one tier, after the policy had its say: undefined when the
 * policy keeps the value out of that tier, the policy's ttl when it gives one, else `ttl`.
 */
export function timesFor(props: {
  readonly policy: ((info: PolicyInfo) => PolicyDecision) | undefined;
  readonly info: PolicyInfo;
  readonly createdAt: number;
  readonly ttl: number;
  readonly swr: number;
}): Times | undefined {
  const { policy, info, createdAt, swr } = props;
  const decision = policy === undefined ? true : policy(info);
  if (decision === false) return undefined;
  const ttl = decision === true ? props.ttl : parseDuration(decision.ttl, `policy ttl of ${info.fn}`);
  const expiresAt = createdAt + ttl;
  return { createdAt, expiresAt, staleUntil: expiresAt + swr };
}
