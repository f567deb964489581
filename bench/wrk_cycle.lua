-- wrk cycles through pre-signed request bodies: one "signature<TAB>body" per line of the file in args[1].
local entries = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    entries[#entries + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
  end
end

function request()
  index = index % #entries + 1
  local entry = entries[index]
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = entry[1] }, entry[2])
end
