// Renders the PanelState the extension posts (client/src/panel/state.ts). Every text
// from a Dockerfile, an engine or an image (file names are hostile) goes in as a text
// node, never as HTML. The page keeps no state but the last one received.
// @ts-check
(function () {
  const vscode = acquireVsCodeApi();
  const root = /** @type {HTMLElement} */ (document.getElementById('root'));

  /** @param {string} tag @param {Record<string, string>} [attributes] @param {(Node | string | undefined | false)[]} [children] */
  function h(tag, attributes = {}, children = []) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    for (const child of children) if (child !== undefined && child !== false) element.append(child);
    return element;
  }

  /** @param {string} label @param {() => void} onClick @param {Record<string, string>} [attributes] @param {(Node | string)[]} [children] */
  function button(label, onClick, attributes = {}, children) {
    const element = h('button', { type: 'button', ...attributes }, children ?? [label]);
    element.addEventListener('click', onClick);
    return element;
  }

  const post = (message) => vscode.postMessage(message);

  function render(state) {
    vscode.setState(state);
    const focused = document.activeElement && document.activeElement.id;
    root.replaceChildren(...view(state));
    const again = focused && document.getElementById(focused);
    if (again) again.focus();
  }

  function view(state) {
    if (!state.dockerfile) return [h('p', { class: 'muted' }, ['Open a Dockerfile to build it and see what its image weighs.'])];
    return [header(state), state.busy && busy(state.busy), state.problem && problem(state.problem), state.comparison && comparison(state.comparison), state.report && report(state.report), history(state.history)].filter(Boolean);
  }

  function header(state) {
    const section = h('section', { class: 'header', 'aria-label': 'Build' }, [h('h2', { class: 'file', title: state.dockerfile.label }, [state.dockerfile.label])]);
    if (state.blocked) {
      section.append(h('p', { class: 'blocked', role: 'note' }, [state.blocked]));
      if (/trust/i.test(state.blocked)) section.append(button('Manage Workspace Trust', () => post({ type: 'manageTrust' }), { id: 'manage-trust' }));
      return section;
    }
    const select = h('select', { id: 'target', 'aria-label': 'Target stage' }, [h('option', { value: '' }, ['Last stage'])]);
    for (const stage of state.stages) {
      const name = stage.name ?? String(stage.index);
      const option = h('option', { value: name }, [`${stage.name ?? `stage ${stage.index}`}${stage.image ? ` (${stage.image})` : ''}`]);
      if (name === state.target) option.setAttribute('selected', '');
      select.append(option);
    }
    select.addEventListener('change', () => post({ type: 'target', target: /** @type {HTMLSelectElement} */ (select).value }));
    const action = state.busy
      ? button('Cancel', () => post({ type: 'cancel' }), { id: 'cancel', class: 'secondary' })
      : button('Build', () => post({ type: 'build', target: /** @type {HTMLSelectElement} */ (select).value }), { id: 'build' });
    section.append(h('div', { class: 'row' }, [h('label', { for: 'target' }, ['Target']), select, action]));
    return section;
  }

  function busy(state) {
    return h('p', { class: 'busy', role: 'status' }, [h('span', { class: 'spinner', 'aria-hidden': 'true' }), `${state.phase === 'building' ? 'Building' : 'Inspecting'}: ${state.detail}`]);
  }

  function problem(state) {
    return h('section', { class: 'problem', role: 'alert' }, [
      h('p', {}, [state.message]),
      state.nextStep && h('p', { class: 'muted' }, [state.nextStep]),
      state.engineText && h('details', {}, [h('summary', {}, ['What the engine said']), h('pre', {}, [state.engineText])]),
    ]);
  }

  function comparison(state) {
    return h('section', { class: 'comparison', 'aria-label': 'Slim this image' }, [
      h('h3', {}, ['Slim this image']),
      h('p', { id: 'slim-comparison' }, [
        h('span', { class: 'mark before' }, ['before']), ` ${state.beforeText} → `,
        h('span', { class: 'mark after' }, ['after']), ` ${state.afterText} `,
        h('span', { class: state.smaller ? 'delta smaller' : 'delta larger' }, [state.changeText]),
      ]),
      state.proof && h('p', { id: 'slim-proof', class: state.proof.ok ? 'proof ok' : 'proof failed', role: 'note' }, [state.proof.text]),
    ]);
  }

  function report(state) {
    const findings = state.findings;
    return h('section', { class: 'report', 'aria-label': 'Image' }, [
      h('p', { class: 'total' }, [h('span', { class: 'size', id: 'image-size' }, [state.sizeText]), h('span', { class: 'muted' }, [` ${state.engine} image ${state.imageId.slice(7, 19)}${state.target ? `, target ${state.target}` : ''}`])]),
      state.stale && h('p', { class: 'stale', role: 'note' }, ['The Dockerfile changed since this build: build again to update.']),
      h('h3', {}, ['Layers']),
      h('p', { class: 'legend' }, [h('span', { class: 'swatch base', 'aria-hidden': 'true' }), `base image ${state.baseSizeText}`, h('span', { class: 'swatch own', 'aria-hidden': 'true' }), `this Dockerfile ${state.ownSizeText}`]),
      layers(state.layers),
      h('h3', {}, [findings.length === 0 ? 'No problems found in the image' : `Findings (${findings.length})`]),
      findings.length > 0 && h('ul', { class: 'findings' }, findings.map(finding)),
    ]);
  }

  function layers(rows) {
    const largest = Math.max(1, ...rows.map((row) => row.size));
    const list = h('ol', { class: 'layers' });
    rows.forEach((row, index) => {
      const bar = h('span', { class: `bar ${row.own ? 'own' : 'base'}`, 'aria-hidden': 'true' });
      // CSSOM, not a style attribute: allowed under the page's style-src.
      bar.style.width = `${Math.max(1, (row.size / largest) * 100)}%`;
      const label = `${row.own ? '' : 'base: '}${row.label}`;
      const content = [h('span', { class: 'track' }, [bar]), h('span', { class: 'label', title: row.label }, [label]), h('span', { class: 'amount' }, [row.sizeText])];
      const item = row.line === undefined ? h('div', { class: 'layer' }, content) : button('', () => post({ type: 'reveal', line: row.line }), { class: 'layer link', id: `layer-${index}`, 'aria-label': `${label}, ${row.sizeText}, line ${row.line + 1}` }, content);
      list.append(h('li', {}, [item]));
    });
    return list;
  }

  function finding(item, index) {
    const content = [h('span', { class: `severity ${item.severity}` }, [item.severity]), h('span', { class: 'code' }, [item.code]), h('span', { class: 'message' }, [item.message]), item.path !== undefined && h('span', { class: 'path' }, [item.path])];
    const entry = item.line === undefined ? h('div', { class: 'finding' }, content) : button('', () => post({ type: 'reveal', line: item.line }), { class: 'finding link', id: `finding-${index}` }, content);
    return h('li', {}, [entry]);
  }

  function history(entries) {
    if (entries.length === 0) return undefined;
    const largest = Math.max(1, ...entries.map((entry) => entry.size));
    const list = h('ol', { class: 'history', reversed: '' });
    [...entries].reverse().forEach((entry) => {
      const bar = h('span', { class: `bar ${entry.mark ?? ''}`, 'aria-hidden': 'true' });
      bar.style.width = `${Math.max(1, (entry.size / largest) * 100)}%`;
      list.append(
        h('li', {}, [
          h('span', { class: 'when' }, [new Date(entry.time).toLocaleString()]),
          entry.mark && h('span', { class: `mark ${entry.mark}` }, [entry.mark]),
          h('span', { class: 'track' }, [bar]),
          h('span', { class: 'amount' }, [entry.sizeText]),
          entry.changeText && h('span', { class: entry.smaller ? 'delta smaller' : 'delta larger' }, [entry.changeText]),
        ]),
      );
    });
    return h('section', { class: 'sizes', 'aria-label': 'Size history' }, [h('h3', {}, ['Size history']), list]);
  }

  window.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'state') render(event.data.state);
  });
  const saved = vscode.getState();
  if (saved) render(saved);
  post({ type: 'ready' });
})();
