/*
 * The Lua scripts of the Redis limit store: each runs atomically on the server, so concurrent
 * replicas can never both take the last request of a window or the last of a budget.
 *
 * Per subject, four keys: requests and tokens of the current minute (strings, expiring after
 * two minutes), the parallel leases (a sorted set of lease ids scored by the time they expire),
 * and the spend of the current budget period (a float string, expiring after the period).
 * A limit of -1 means none.
 */

/**
 * ARGV: now, lease id, lease deadline, subject count, then per subject: rpm, tpm, max parallel,
 * budget max, budget base (the database's spend for the period, used only when the key is
 * absent), budget key ttl (ms). Returns `{0, requests1, tokens1, requests2, tokens2, ...}` when
 * admitted (requests after counting this one), or `{index, kind, used, requests, tokens}` for
 * the first limit hit (used as a string: spend is a float).
 */
export const ADMIT_SCRIPT = `
local now = tonumber(ARGV[1])
local lease = ARGV[2]
local deadline = tonumber(ARGV[3])
local n = tonumber(ARGV[4])
local seen = {}
for i = 1, n do
  local k = (i - 1) * 4
  local a = 4 + (i - 1) * 6
  local rpm, tpm, par, bmax = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  local requests = tonumber(redis.call('GET', KEYS[k + 1]) or '0')
  local tokens = tonumber(redis.call('GET', KEYS[k + 2]) or '0')
  local inflight = 0
  if par >= 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[k + 3], '-inf', now)
    inflight = redis.call('ZCARD', KEYS[k + 3])
  end
  if bmax >= 0 then
    local spent = redis.call('GET', KEYS[k + 4])
    if not spent then
      spent = ARGV[a + 5]
      redis.call('SET', KEYS[k + 4], spent, 'PX', ARGV[a + 6])
    end
    if tonumber(spent) >= bmax then return {i, 'budget', spent, requests, tokens} end
  end
  if par >= 0 and inflight >= par then return {i, 'max_parallel', tostring(inflight), requests, tokens} end
  if rpm >= 0 and requests >= rpm then return {i, 'rpm', tostring(requests), requests, tokens} end
  if tpm >= 0 and tokens >= tpm then return {i, 'tpm', tostring(tokens), requests, tokens} end
  seen[i] = tokens
end
local out = {0}
for i = 1, n do
  local k = (i - 1) * 4
  local requests = redis.call('INCR', KEYS[k + 1])
  if requests == 1 then redis.call('PEXPIRE', KEYS[k + 1], 120000) end
  if tonumber(ARGV[4 + (i - 1) * 6 + 3]) >= 0 then
    redis.call('ZADD', KEYS[k + 3], deadline, lease)
    redis.call('PEXPIRE', KEYS[k + 3], deadline - now + 60000)
  end
  out[#out + 1] = requests
  out[#out + 1] = seen[i]
end
return out
`;

/**
 * KEYS per subject: tokens of the minute the call ends in, parallel leases, budget spend.
 * ARGV: lease id, tokens, cost, subject count. The spend is added only to a period that exists
 * (one that expired meanwhile starts again from the database, which will hold this call's row).
 */
export const SETTLE_SCRIPT = `
local lease = ARGV[1]
local tokens = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local n = tonumber(ARGV[4])
for i = 1, n do
  local k = (i - 1) * 3
  redis.call('ZREM', KEYS[k + 2], lease)
  if tokens > 0 then
    if redis.call('INCRBY', KEYS[k + 1], tokens) == tokens then redis.call('PEXPIRE', KEYS[k + 1], 120000) end
  end
  if cost > 0 and redis.call('EXISTS', KEYS[k + 3]) == 1 then redis.call('INCRBYFLOAT', KEYS[k + 3], ARGV[3]) end
end
return n
`;

/** ARGV: new deadline, then lease ids: moves the deadline of leases still held (ZADD XX). KEYS: the parallel sets. */
export const RENEW_SCRIPT = `
local deadline = ARGV[1]
for i = 1, #KEYS do
  for j = 2, #ARGV do redis.call('ZADD', KEYS[i], 'XX', deadline, ARGV[j]) end
end
return #KEYS
`;
