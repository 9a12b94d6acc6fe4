-- Headless Neovim with the user's configuration (the README snippet, loaded with --cmd):
--   nvim --headless --clean -n -i NONE --cmd 'luafile init.lua' Dockerfile -c 'luafile test/nvim/attached.lua'
-- Waits until a client that configuration started shows SLIM diagnostics on the buffer, then
-- writes {clients = [{name, cmd}], diagnostics = [{code, line}], api} to DOCKERFILE_SLIM_RESULT.
-- Exits with `qall!`, or `cquit 1` when nothing arrives within DOCKERFILE_SLIM_TIMEOUT ms.

local result_file = os.getenv('DOCKERFILE_SLIM_RESULT')
local timeout = tonumber(os.getenv('DOCKERFILE_SLIM_TIMEOUT') or '10000')
local bufnr = vim.api.nvim_get_current_buf()
local result = { api = vim.lsp.start and 'vim.lsp.start' or 'vim.lsp.start_client', clients = {}, diagnostics = {} }

local function slim_diagnostics()
  local found = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    if diagnostic.source == 'dockerfile-slim' then table.insert(found, { code = diagnostic.code, line = diagnostic.lnum }) end
  end
  return found
end

local arrived = vim.wait(timeout, function() return #slim_diagnostics() > 0 end, 20)
for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
  table.insert(result.clients, { name = client.name, cmd = client.config.cmd })
end
result.diagnostics = slim_diagnostics()
result.error = (not arrived) and 'timed out waiting for SLIM diagnostics' or nil
vim.fn.writefile({ vim.fn.json_encode(result) }, result_file)
vim.cmd(arrived and 'qall!' or 'cquit 1')
