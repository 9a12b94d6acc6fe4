-- Headless Neovim (0.7+) as a real LSP client of the built server:
--   nvim --headless --clean -n -i NONE Dockerfile -c 'luafile test/nvim/check.lua'
-- Environment: DOCKERFILE_SLIM_SERVER (dist/server.js), DOCKERFILE_SLIM_RESULT (JSON
-- written here), DOCKERFILE_SLIM_NODE (node binary, default `node`),
-- DOCKERFILE_SLIM_FIX (a code whose preferred quick fix is applied, optional),
-- DOCKERFILE_SLIM_TIMEOUT (ms per wait, default 10000).
-- Exits with `qall!` after writing the result, `cquit 1` when something times out.

local server = os.getenv('DOCKERFILE_SLIM_SERVER')
local result_file = os.getenv('DOCKERFILE_SLIM_RESULT')
local node = os.getenv('DOCKERFILE_SLIM_NODE') or 'node'
local fix_code = os.getenv('DOCKERFILE_SLIM_FIX')
local timeout = tonumber(os.getenv('DOCKERFILE_SLIM_TIMEOUT') or '10000')
local bufnr = vim.api.nvim_get_current_buf()
local result = {}

local function finish(error_message)
  result.error = error_message
  vim.fn.writefile({ vim.fn.json_encode(result) }, result_file)
  if error_message then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

-- The raw LSP diagnostics (with `data`) are kept for the code action request.
local last_published
local client_id = vim.lsp.start_client({
  name = 'dockerfile-slim',
  cmd = { node, server, '--stdio' },
  root_dir = vim.fn.expand('%:p:h'),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
      last_published = params
      return vim.lsp.diagnostic.on_publish_diagnostics(err, params, ctx, config)
    end,
  },
})
if not client_id then
  return finish('the language client did not start')
end
vim.lsp.buf_attach_client(bufnr, client_id)

local function slim_diagnostics()
  local found = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    if diagnostic.source == 'dockerfile-slim' then
      table.insert(found, { code = diagnostic.code, line = diagnostic.lnum, col = diagnostic.col, severity = diagnostic.severity, message = diagnostic.message })
    end
  end
  return found
end

if not vim.wait(timeout, function() return #slim_diagnostics() > 0 end, 20) then
  return finish('timed out waiting for SLIM diagnostics')
end
result.diagnostics = slim_diagnostics()

if fix_code then
  local target
  for _, diagnostic in ipairs(last_published.diagnostics) do
    if diagnostic.code == fix_code then target = diagnostic end
  end
  if not target then return finish('no ' .. fix_code .. ' diagnostic to fix') end

  local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr), range = target.range, context = { diagnostics = { target } } }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout)
  local preferred
  for _, response in pairs(responses or {}) do
    for _, action in ipairs(response.result or {}) do
      if action.isPreferred then preferred = action end
    end
  end
  if not preferred then return finish('no preferred quick fix for ' .. fix_code) end
  result.fix_title = preferred.title
  vim.lsp.util.apply_workspace_edit(preferred.edit, vim.lsp.get_client_by_id(client_id).offset_encoding)

  -- Wait for the diagnostics of the edited text.
  local fixed = vim.wait(timeout, function()
    return last_published ~= nil and last_published.version == vim.lsp.util.buf_versions[bufnr]
  end, 20)
  if not fixed then return finish('timed out waiting for diagnostics after the fix') end
  result.after_fix = slim_diagnostics()
  result.text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

vim.lsp.stop_client(client_id)
finish(nil)
