import { createHash } from 'node:crypto';
import { EXPIRES_AT_OFFSET } from './entry-format.js';
import type { RedisClient } from './options.js';

/**
 * Takes the lease (KEYS[1]) for ARGV[2] ms with owner token ARGV[1], unless another owner holds
 * it or a fresh entry (KEYS[2]) is already there: its owner has just stored it, and the caller's
 * next read finds it rather than computing it a second time. ARGV[3] is the caller's clock.
 * Returns 1 when the caller now holds the lease.
 */
const ACQUIRE = `
local entry = redis.call('GET', KEYS[2])
if entry and #entry >= ${EXPIRES_AT_OFFSET + 8} then
  local expires = struct.unpack('<d', entry, ${EXPIRES_AT_OFFSET + 1})
  if expires > tonumber(ARGV[3]) then return 0 end
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`;

/**
 * Gives up the lease (KEYS[1]) if ARGV[1] still owns it, and wakes the processes waiting on it
 * (channel ARGV[2]). A lease that expired and was taken by another process is left alone.
 */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], '')
  return 1
end
return 0
`;

export interface Script {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') });

export const acquireScript: Script = script(ACQUIRE);
export const releaseScript: Script = script(RELEASE);

/** Runs `script` by its SHA, loading it with EVAL the first time a server has not seen it. */
export async function run(
  client: RedisClient,
  { source, sha }: Script,
  keys: string[],
  args: string[],
): Promise<unknown> {
  try {
    return await client.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(source, keys.length, ...keys, ...args);
  }
}
