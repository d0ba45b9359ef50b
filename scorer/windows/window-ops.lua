-- The Lua script behind RedisWindowStore (Redis runs Lua 5.1); see redis-script.ts for its input,
-- output and design, and redis-store.ts for the keys. redis-script.ts prepends the constants it
-- uses from ops.ts and window-math.ts (SLOTS, COUNT, DISTINCT, SEEN, PROFILE, COUNT_SLICES,
-- DISTINCT_SLICES, EXACT_MEMBERS, STRIDE, MARKER), so one TypeScript definition serves both sides.
-- Lua 5.1 passes at most a few thousand values through unpack: long argument lists go in parts.
local UNPACK_CHUNK = 1000
local KIND = {[COUNT] = 'c', [DISTINCT] = 'd', [SEEN] = 's', [PROFILE] = 'p'}

local call, unpack, floor, tonumber, pairs = redis.call, unpack, math.floor, tonumber, pairs
local readOp = struct.unpack

local prefix = ARGV[1]
local packed = ARGV[2]
local opCount = tonumber(ARGV[3]) or 0
-- A probe (dry run) answers each operation from the stored state alone and writes nothing.
local probing = ARGV[4] == '1'

local keyPrefixes = {}
local sketchPrefixes = {}
local states = {}
local order = {}
local expired = {}
local out = {}
local outLength = 0
-- Per-window scratch for exact distinct counts, reused by every operation.
local first, last, found = {}, {}, {}

-- Lua formats a number for Redis with sprintf (thousands of instructions); the numbers of one
-- batch (its seconds, slices, small counts) repeat a lot, so each is formatted once per call.
local texts = {}
local function text(n)
  local t = texts[n]
  if t == nil then
    t = tostring(n)
    texts[n] = t
  end
  return t
end

local function callInParts(command, key, list)
  for i = 1, #list, UNPACK_CHUNK do
    call(command, key, unpack(list, i, math.min(i + UNPACK_CHUNK - 1, #list)))
  end
end

local function sketchKey(slot, w, slice, entity)
  local p = sketchPrefixes[slot * 8 + w]
  if p == nil then
    p = prefix .. 'h' .. text(slot) .. ':' .. text(w - 1) .. ':'
    sketchPrefixes[slot * 8 + w] = p
  end
  return p .. text(slice) .. ':' .. entity
end

-- Counts: one hash per (slot, entity); field slice*STRIDE + window index -> sum of amounts.
-- In Lua the same numbers key one table, so no table per window is needed.
local function loadCount(key, spec)
  local st = {kind = COUNT, spec = spec, written = false, fields = {}, dirty = {}, unknown = nil}
  local fields, windows = st.fields, #spec[2]
  local flat = call('HGETALL', key)
  for i = 1, #flat, 2 do
    local field, value = tonumber(flat[i]), tonumber(flat[i + 1])
    if field ~= nil and value ~= nil and field % STRIDE < windows then
      fields[field] = value
    else
      st.unknown = st.unknown or {}
      st.unknown[#st.unknown + 1] = flat[i]
    end
  end
  return st
end

local function count(st, second, amount)
  local lengths = st.spec[2]
  local windows = #lengths
  local fields = st.fields
  for w = 1, windows do
    local current = floor(second / lengths[w])
    first[w] = current - COUNT_SLICES + 1
    last[w] = current
    found[w] = 0
    if amount ~= 0 then
      local field = current * STRIDE + (w - 1)
      fields[field] = (fields[field] or 0) + amount
      st.dirty[field] = true
      st.written = true
    end
  end
  -- A series holds at most 12 live slices per window (plus this batch's stale ones): walking
  -- them is cheaper than probing 12 per window, and much cheaper for light entities.
  for field, value in pairs(fields) do
    local w = field % STRIDE + 1
    local slice = (field - w + 1) / STRIDE
    if slice >= first[w] and slice <= last[w] then found[w] = found[w] + value end
  end
  for w = 1, windows do out[outLength + w] = found[w] end
  outLength = outLength + windows
end

local function flushCount(key, st)
  local windows = #st.spec[2]
  local fields, dirty = st.fields, st.dirty
  for w = 1, windows do found[w] = nil end
  for field in pairs(fields) do
    local w = field % STRIDE + 1
    local slice = (field - w + 1) / STRIDE
    if found[w] == nil or slice > found[w] then found[w] = slice end
  end
  local writes, stale = {}, st.unknown or {}
  for field, value in pairs(fields) do
    local w = field % STRIDE + 1
    if (field - w + 1) / STRIDE <= found[w] - COUNT_SLICES then
      stale[#stale + 1] = text(field)
    elseif dirty[field] then
      writes[#writes + 1] = text(field)
      writes[#writes + 1] = text(value)
    end
  end
  if #writes > 0 then call('HSET', key, unpack(writes)) end
  callInParts('HDEL', key, stale)
  call('EXPIRE', key, st.spec[3])
end

-- Distinct: a ZSET member -> last second while exact; past EXACT_MEMBERS members one HyperLogLog
-- per (window, slice), and the ZSET holds MARKER at score -inf plus, per window w, the union
-- state: u<w> = slice of the union key, e<w> = its last exact count, p<w> = changes since.
local function loadDistinct(key, spec)
  local st = {kind = DISTINCT, spec = spec, written = false, sketch = false, converted = false,
    members = {}, size = 0, dirty = {}, cutoff = nil}
  local flat = call('ZRANGE', key, 0, -1, 'WITHSCORES')
  if flat[2] == '-inf' then
    st.sketch = true
    st.members = nil
    st.dirty = nil
    st.union = {}
    for i = 3, #flat, 2 do
      local w = tonumber(string.sub(flat[i], 2))
      if w ~= nil then
        local union = st.union[w] or {}
        union[string.sub(flat[i], 1, 1)] = tonumber(flat[i + 1])
        st.union[w] = union
      end
    end
    for w, union in pairs(st.union) do
      if union.u == nil or union.e == nil or union.p == nil then st.union[w] = {} end
    end
    return st
  end
  for i = 1, #flat, 2 do
    st.members[flat[i]] = tonumber(flat[i + 1])
    st.size = st.size + 1
  end
  return st
end

-- Forgets members that are outside every window of an operation at `second`.
local function prune(st, second)
  local lengths = st.spec[2]
  local cutoff
  for w = 1, #lengths do
    local start = (floor(second / lengths[w]) - DISTINCT_SLICES + 1) * lengths[w]
    if cutoff == nil or start < cutoff then cutoff = start end
  end
  for m, s in pairs(st.members) do
    if s < cutoff then
      st.members[m] = nil
      st.dirty[m] = nil
      st.size = st.size - 1
    end
  end
  if st.cutoff == nil or cutoff > st.cutoff then st.cutoff = cutoff end
end

local function toSketch(st, slot, entity, second)
  local lengths = st.spec[2]
  for w = 1, #lengths do
    local current = floor(second / lengths[w])
    local groups = {}
    for m, s in pairs(st.members) do
      local slice = floor(s / lengths[w])
      if slice > current - DISTINCT_SLICES then
        local group = groups[slice]
        if group == nil then group = {}; groups[slice] = group end
        group[#group + 1] = m
      end
    end
    for slice, group in pairs(groups) do
      local key = sketchKey(slot, w, slice, entity)
      callInParts('PFADD', key, group)
      call('EXPIRE', key, st.spec[6][w])
      expired[key] = true
    end
  end
  st.sketch = true
  st.converted = true
  st.members = nil
  st.dirty = nil
end

local function distinctExact(st, member, second)
  local previous = st.members[member]
  if previous == nil or previous < second then
    st.members[member] = second
    st.dirty[member] = true
    if previous == nil then st.size = st.size + 1 end
  end
  local lengths = st.spec[2]
  local nw = #lengths
  for w = 1, nw do
    local current = floor(second / lengths[w])
    first[w] = (current - DISTINCT_SLICES + 1) * lengths[w]
    last[w] = (current + 1) * lengths[w]
    found[w] = 0
  end
  for _, s in pairs(st.members) do
    for w = 1, nw do
      if s >= first[w] and s < last[w] then found[w] = found[w] + 1 end
    end
  end
  for w = 1, nw do
    outLength = outLength + 1
    out[outLength] = found[w]
  end
end

-- The union of a window's 6 slice sketches costs a merge of up to 6 x 12 KiB, so it is kept in
-- a key of its own (`P u S:W:E`), rebuilt only when the window moves on to a new slice, and every
-- member is added to it too. While members change it, the estimate grows by one per change; it is
-- counted exactly again once the changes pass 1/64 of the estimate (plus 4), so it stays within
-- ~2% of PFCOUNT, far inside the 10% the store promises.
local function distinctSketch(st, slot, entity, member, second)
  local spec = st.spec
  local lengths = spec[2]
  if st.sliceKeys == nil then
    st.sliceOf, st.sliceKeys, st.unionKeys = {}, {}, {}
    st.union = st.union or {}
  end
  for w = 1, #lengths do
    local current = floor(second / lengths[w])
    if st.sliceOf[w] ~= current then
      st.sliceOf[w] = current
      st.sliceKeys[w] = sketchKey(slot, w, current, entity)
    end
    local key = st.sliceKeys[w]
    local changed = call('PFADD', key, member)
    if not expired[key] then
      call('EXPIRE', key, spec[6][w])
      expired[key] = true
    end
    local unionKey = st.unionKeys[w]
    if unionKey == nil then
      unionKey = prefix .. 'u' .. text(slot) .. ':' .. text(w - 1) .. ':' .. entity
      st.unionKeys[w] = unionKey
    end
    local union = st.union[w]
    if union == nil then
      union = {}
      st.union[w] = union
    end
    local result
    if union.u == current then
      if changed == 1 and call('PFADD', unionKey, member) == 1 then
        union.p = union.p + 1
        if union.p * 64 > union.e + 256 then
          union.e = call('PFCOUNT', unionKey)
          union.p = 0
        end
        st.unionChanged = true
      end
      result = union.e + union.p
    else
      local sources = {}
      for s = current - DISTINCT_SLICES + 1, current do sources[#sources + 1] = sketchKey(slot, w, s, entity) end
      if union.u == nil or current > union.u then
        call('DEL', unionKey)
        call('PFMERGE', unionKey, unpack(sources))
        call('EXPIRE', unionKey, spec[3])
        expired[unionKey] = true
        union.u, union.e, union.p = current, call('PFCOUNT', unionKey), 0
        st.unionChanged = true
        result = union.e
      else
        -- Later than the union already is: this late operation's own window, counted directly.
        result = call('PFCOUNT', unpack(sources))
      end
    end
    if union.u ~= nil and not expired[unionKey] then
      call('EXPIRE', unionKey, spec[3])
      expired[unionKey] = true
    end
    outLength = outLength + 1
    out[outLength] = result
  end
end

-- A probe of a sketched set: the window's slices counted together, without adding the member
-- (which moves the estimate by one at most, well inside the sketch's error).
local function distinctProbe(st, slot, entity, second)
  local lengths = st.spec[2]
  for w = 1, #lengths do
    local current = floor(second / lengths[w])
    local sources = {}
    for s = current - DISTINCT_SLICES + 1, current do sources[#sources + 1] = sketchKey(slot, w, s, entity) end
    outLength = outLength + 1
    out[outLength] = call('PFCOUNT', unpack(sources))
  end
end

local function flushDistinct(key, st)
  if st.converted then
    call('DEL', key)
    call('ZADD', key, '-inf', MARKER)
  elseif not st.sketch then
    local args = {}
    for m in pairs(st.dirty) do
      args[#args + 1] = text(st.members[m])
      args[#args + 1] = m
    end
    callInParts('ZADD', key, args)
    if st.cutoff ~= nil then call('ZREMRANGEBYSCORE', key, '-inf', '(' .. text(st.cutoff)) end
  end
  if st.unionChanged then
    local args = {}
    for w, union in pairs(st.union) do
      if union.u ~= nil then
        args[#args + 1] = text(union.u)
        args[#args + 1] = 'u' .. text(w)
        args[#args + 1] = text(union.e)
        args[#args + 1] = 'e' .. text(w)
        args[#args + 1] = text(union.p)
        args[#args + 1] = 'p' .. text(w)
      end
    end
    if #args > 0 then call('ZADD', key, unpack(args)) end
  end
  call('EXPIRE', key, st.spec[3])
end

-- Seen: a string holding the last second an entity was marked.
local function seen(key, spec, second, mark)
  local st = states[key]
  if st == nil then
    st = {kind = SEEN, spec = spec, written = false}
    if mark then
      -- Marks and reads in one call; an older mark than the stored one is put right at the end.
      st.last = tonumber(call('SET', key, text(second), 'EX', spec[3], 'GET'))
      st.written = st.last ~= nil and st.last > second
    else
      st.last = tonumber(call('GET', key))
    end
    states[key] = st
    order[#order + 1] = key
    outLength = outLength + 1
    out[outLength] = (st.last ~= nil and st.last >= second - spec[4]) and 1 or 0
    if mark and (st.last == nil or st.last < second) then st.last = second end
    return
  end
  outLength = outLength + 1
  out[outLength] = (st.last ~= nil and st.last >= second - spec[4]) and 1 or 0
  if mark and (st.last == nil or st.last < second) then
    st.last = second
    st.written = true
  end
end

-- Profiles: a hash of bin -> count plus field n = total.
local function loadProfile(key, spec)
  local st = {kind = PROFILE, spec = spec, written = false, bins = {}, total = 0, dirty = {}}
  local flat = call('HGETALL', key)
  for i = 1, #flat, 2 do
    local value = tonumber(flat[i + 1]) or 0
    if flat[i] == 'n' then
      st.total = value
    else
      local bin = tonumber(flat[i])
      if bin ~= nil then st.bins[bin] = value end
    end
  end
  return st
end

local function profile(st, bin)
  local bins = st.spec[5]
  if bin < 0 then bin = 0 elseif bin >= bins then bin = bins - 1 end
  local before = st.bins[bin] or 0
  out[outLength + 1] = before
  out[outLength + 2] = st.total
  outLength = outLength + 2
  st.bins[bin] = before + 1
  st.total = st.total + 1
  st.dirty[bin] = true
  st.written = true
end

local function flushProfile(key, st)
  local fields = {'n', text(st.total)}
  for bin in pairs(st.dirty) do
    fields[#fields + 1] = text(bin)
    fields[#fields + 1] = text(st.bins[bin])
  end
  call('HSET', key, unpack(fields))
  call('EXPIRE', key, st.spec[3])
end

local pos = 1
for _ = 1, opCount do
  local slot, second, amount, entity, member
  slot, second, amount, entity, member, pos = readOp('>BI4i4Hc0Hc0', packed, pos)
  local spec = SLOTS[slot + 1]
  if spec ~= nil then
    -- Probing, no operation sees another's change: each starts from what Redis holds.
    if probing then states = {} end
    local code = spec[1]
    local keyPrefix = keyPrefixes[slot]
    if keyPrefix == nil then
      keyPrefix = prefix .. KIND[code] .. text(slot) .. ':'
      keyPrefixes[slot] = keyPrefix
    end
    local key = keyPrefix .. entity
    if code == SEEN then
      seen(key, spec, second, amount ~= 0 and not probing)
    else
      local st = states[key]
      if st == nil then
        if code == COUNT then st = loadCount(key, spec)
        elseif code == DISTINCT then st = loadDistinct(key, spec)
        else st = loadProfile(key, spec) end
        states[key] = st
        order[#order + 1] = key
      end
      if code == COUNT then
        count(st, second, amount)
      elseif code == DISTINCT and probing then
        -- An exact set answers exactly, even past the size at which executing would sketch it.
        if st.sketch then distinctProbe(st, slot, entity, second) else distinctExact(st, member, second) end
      elseif code == DISTINCT then
        st.written = true
        if not st.sketch and st.members[member] == nil and st.size >= EXACT_MEMBERS then
          prune(st, second)
          if st.size >= EXACT_MEMBERS then
            st.members[member] = second
            toSketch(st, slot, entity, second)
          end
        end
        if st.sketch then distinctSketch(st, slot, entity, member, second)
        else distinctExact(st, member, second) end
      else
        profile(st, amount)
      end
    end
  end
end

for i = 1, probing and 0 or #order do
  local key = order[i]
  local st = states[key]
  if st.written then
    if st.kind == COUNT then flushCount(key, st)
    elseif st.kind == DISTINCT then flushDistinct(key, st)
    elseif st.kind == PROFILE then flushProfile(key, st)
    else call('SET', key, text(st.last), 'EX', st.spec[3]) end
  end
end
return out
