// 调整方案 — the planner's map. A planner opens a change set, selects grids or micro-grids on the draft, edits the
// shared edge of two (one polyline, its ends pinned, snapping to the neighbours' vertices: Leaflet-Geoman free),
// splits, merges, carves micro-grids out of a grid and paints micro-grids into a neighbouring grid. Every release
// sends one operation; the server computes every polygon and answers with the issues, and the map redraws the draft
// with the households against the guideline. Approvers open the same map from their queue and sign off.
(function () {
  const auth = window.gridmapAuth;
  if (!auth.seesChangeSets()) return; // analysts, dispatchers, grid workers: no change sets, no tools
  const api = window.gridmapApi;
  const gm = window.gridmap;
  const map = gm.map;
  const esc = gm.esc;
  const me = auth.me();

  const STATE_ZH = { draft: '草稿 draft', submitted: '审批中 submitted', approved: '已批准 approved', scheduled: '待生效 scheduled',
    published: '已发布 published', withdrawn: '已撤回 withdrawn' };
  const LEVEL_ZH = { city: '市', district: '区', street: '街道', community: '社区', grid: '网格', microgrid: '微网格' };
  const OP_ZH = { reshapeEdge: '调整公共边 reshape edge', split: '分割 split', merge: '合并 merge', moveMicrogrids: '划入 paint',
    createMicrogrids: '新建微网格 create micro-grids', rename: '改名 rename' };
  const MIN_ZOOM = { grid: 13, microgrid: 15 };

  map.createPane('draft');
  map.getPane('draft').style.zIndex = 430;
  map.createPane('issue');
  map.getPane('issue').style.zIndex = 445;
  const renderer = L.svg({ pane: 'draft', padding: 0.3 });

  // everything the map and the browser test read: ed.cs (the open change set), ed.timings (release → redraw, ms)
  const ed = {
    cs: null, level: 'grid', view: 'compare', selected: [], mode: null, busy: false, pending: null,
    issues: [], rejected: null, workload: [], timings: [], opTimings: [], draftLoads: 0, conflict: null, lastError: null,
  };
  window.gridmapEdit = ed;
  const editable = () => ed.cs && ed.cs.state === 'draft' && auth.edits() && (ed.cs.author === me.username || me.roles.includes('admin'));

  // ---------------------------------------------------------------- the draft layer (SVG, with a hatch pattern)
  // while an edge is edited, its own two regions are no snapping targets (their boundary is the line being moved):
  // the vertices snap to the neighbours' vertices only
  const draft = L.geoJSON(null, { renderer, pane: 'draft', style: draftStyle, snapIgnore: false,
    onEachFeature: (f, l) => {
      l.on('click', (e) => onRegionClick(f, e));
      if (ed.edge && ed.mode === 'edge' && (f.properties.code === ed.edge.a || f.properties.code === ed.edge.b)) l.options.snapIgnore = true;
    } });
  const outline = L.geoJSON(null, { renderer, pane: 'draft', interactive: false, snapIgnore: true, pmIgnore: true,
    style: () => ({ color: '#e31a1c', weight: 1.6, fill: false, opacity: 0.9 }) });
  const issueLayer = L.featureGroup([], { pane: 'issue' });
  function ensureHatch() {
    const svg = renderer._container;
    if (!svg || svg.querySelector('#gm-hatch')) return;
    const defs = document.createElementNS('http://www.w3.org/2000/svg', 'defs');
    defs.innerHTML = '<pattern id="gm-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
      + '<rect width="8" height="8" fill="#ffb000" fill-opacity="0.12"/><line x1="0" y1="0" x2="0" y2="8" stroke="#c26a00" stroke-width="2.4" stroke-opacity="0.7"/></pattern>';
    svg.insertBefore(defs, svg.firstChild);
  }

  function draftStyle(f) {
    const p = f.properties;
    const sel = ed.selected.includes(p.code);
    const target = ed.mode === 'paint' && ed.paintTarget === p.code;
    const changed = p.changed || p.created;
    if (ed.view === 'before') return { stroke: false, fill: true, fillOpacity: 0, weight: 0 };
    const s = { weight: 1, color: p.level === 'grid' ? '#e31a1c' : '#ff7f00', opacity: ed.view === 'after' ? 1 : 0, fill: true,
      fillColor: '#ffffff', fillOpacity: 0 };
    if (changed) Object.assign(s, { fillColor: 'url(#gm-hatch)', fillOpacity: 1, color: '#c26a00', opacity: 1, weight: 2 });
    if (sel) Object.assign(s, { color: '#304ffe', opacity: 1, weight: 4 });
    if (target) Object.assign(s, { color: '#2e7d32', opacity: 1, weight: 4, dashArray: '6 4' });
    return s;
  }

  function bboxOfView() {
    const b = map.getBounds().pad(0.25);
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  }

  // the draft of the chosen level in view (and the grids' outlines over micro-grids); tiles show what is published
  let loadSeq = 0;
  async function loadDraft() {
    if (!ed.cs) return;
    const seq = ++loadSeq;
    const z = map.getZoom();
    if (z < MIN_ZOOM[ed.level]) {
      draft.clearLayers(); outline.clearLayers();
      setHint(`放大到 ${MIN_ZOOM[ed.level]} 级以编辑${LEVEL_ZH[ed.level]} · zoom to ${MIN_ZOOM[ed.level]} to edit ${ed.level}s`);
      return;
    }
    setHint('');
    const box = bboxOfView();
    const [fc, grids] = await Promise.all([api.draftRegions(ed.cs.id, ed.level, box),
      ed.level === 'microgrid' ? api.draftRegions(ed.cs.id, 'grid', box) : Promise.resolve(null)]);
    if (seq !== loadSeq) return;
    draft.clearLayers();
    draft.addData(fc);
    outline.clearLayers();
    if (grids && ed.view !== 'before') outline.addData(grids);
    ensureHatch();
    ed.draftLoads++;
    ed.drawn = fc.features.length;
    ed.changedDrawn = fc.features.filter((f) => f.properties.changed || f.properties.created).length;
  }
  function restyle() { draft.setStyle(draftStyle); }
  let moveTimer = null;
  map.on('moveend', () => { if (!ed.cs) return; clearTimeout(moveTimer); moveTimer = setTimeout(() => loadDraft().catch(showError), 120); });

  // the published grid and micro-grid tiles hide in the "after" view: only the draft is drawn there
  function setView(v) {
    ed.view = v;
    ['grid', 'microgrid'].forEach((lv) => { if (v === 'after') gm.state.visibleLevels.delete(lv); else gm.state.visibleLevels.add(lv); });
    gm.redrawRegions();
    document.querySelectorAll('#edit-panel [data-view]').forEach((b) => b.classList.toggle('on', b.dataset.view === v));
    loadDraft().catch(showError);
  }

  // ---------------------------------------------------------------- selection and the tools
  function onRegionClick(f, e) {
    // while a line is drawn or an edge edited, the click is the drawing's (it goes on to the map)
    if (!ed.cs || ed.view === 'before' || ed.mode === 'edge' || ed.mode === 'split' || ed.mode === 'carve') return;
    L.DomEvent.stopPropagation(e);
    const code = f.properties.code;
    if (ed.mode === 'paint') {
      if (f.properties.level === 'microgrid' && !code.startsWith(ed.paintTarget)) paint(code);
      return;
    }
    const i = ed.selected.indexOf(code);
    if (i >= 0) ed.selected.splice(i, 1); else ed.selected.push(code);
    restyle();
    renderTools();
  }

  function clearSelection() {
    ed.selected = [];
    endMode();
    restyle();
    renderTools();
  }

  let edgeLayers = [];
  let drawing = false;
  function endMode() {
    draft.eachLayer((l) => { l.options.snapIgnore = false; });
    edgeLayers.forEach((l) => { l.pm && l.pm.disable(); map.removeLayer(l); });
    edgeLayers = [];
    if (drawing && map.pm) { map.pm.disableDraw(); drawing = false; }
    ed.mode = null;
    ed.paintTarget = null;
  }

  // the shared edge of the two selected regions as editable lines; their end nodes never move
  async function editEdge() {
    const [a, b] = ed.selected;
    endMode();
    ed.mode = 'edge';
    renderTools();
    const fc = await api.edges(ed.cs.id, a, b);
    ed.edge = { a, b, features: fc.features };
    draft.eachLayer((l) => { l.options.snapIgnore = l.feature.properties.code === a || l.feature.properties.code === b; });
    fc.features.forEach((f) => {
      const pins = f.properties.pinned.map(([x, y]) => L.latLng(y, x));
      const isPin = (ll) => pins.some((p) => Math.abs(p.lat - ll.lat) < 1e-10 && Math.abs(p.lng - ll.lng) < 1e-10);
      const line = L.polyline(f.geometry.coordinates.map(([x, y]) => [y, x]), { color: '#d500f9', weight: 4, pane: 'issue',
        snapIgnore: true });
      line.addTo(map);
      line.pm.enable({ snappable: true, snapDistance: 12, snapSegment: false, allowSelfIntersection: false, draggable: false, preventMarkerRemoval: false,
        moveVertexValidation: ({ marker }) => !isPin(marker.getLatLng()),
        removeVertexValidation: ({ marker }) => !isPin(marker.getLatLng()) });
      // one operation per release of a dragged vertex (Geoman also reports an edit when a drag of a middle marker
      // starts: that one waits for its release) and per removed vertex
      let released = null;
      line.on('pm:markerdragend', (e) => { if (!e.intersectionReset) released = performance.now(); });
      line.on('pm:edit', () => { if (released != null) { const t0 = released; released = null; sendEdge(line, t0); } });
      line.on('pm:vertexremoved', () => sendEdge(line, performance.now()));
      line.gmPins = pins;
      edgeLayers.push(line);
    });
    ed.edgeReady = (ed.edgeReady || 0) + 1;
  }

  function lineOf(latlngs) {
    return { type: 'LineString', coordinates: latlngs.map((ll) => [ll.lng, ll.lat]) };
  }

  function sendEdge(line, t0) {
    run({ op: 'reshapeEdge', a: ed.edge.a, b: ed.edge.b, line: lineOf(line.getLatLngs()) }, t0, () => editEdge());
  }

  // split one region, or carve micro-grids out of a grid: a line drawn across it
  function drawLine(mode) {
    endMode();
    ed.mode = mode;
    renderTools();
    map.pm.enableDraw('Line', { snappable: true, snapDistance: 12, finishOn: 'dblclick', templineStyle: { color: '#00b8d4' }, hintlineStyle: { color: '#00b8d4', dashArray: '4 4' },
      pathOptions: { color: '#00b8d4', weight: 3, pane: 'issue' } });
    drawing = true;
  }
  map.on('pm:create', (e) => {
    if (!ed.cs || (ed.mode !== 'split' && ed.mode !== 'carve')) return;
    const line = lineOf(e.layer.getLatLngs());
    map.removeLayer(e.layer);
    drawing = false;
    const code = ed.selected[0];
    const body = ed.mode === 'split' ? { op: 'split', code, line } : { op: 'createMicrogrids', grid: code, lines: [line] };
    ed.mode = null;
    run(body, performance.now(), null);
  });

  function merge() {
    run({ op: 'merge', codes: ed.selected.slice(), keep: ed.selected[0] }, performance.now(), null);
  }

  // Districtr-style painting: the selected grid is the target; every micro-grid clicked joins it
  function startPaint() {
    const target = ed.selected[0];
    endMode();
    ed.mode = 'paint';
    ed.paintTarget = target;
    ed.selected = [];
    if (ed.level !== 'microgrid') setLevel('microgrid', true);
    restyle();
    renderTools();
  }
  function paint(code) {
    run({ op: 'moveMicrogrids', codes: [code], toGrid: ed.paintTarget }, performance.now(), null);
  }

  function renameSelected() {
    const code = ed.selected[0];
    const f = draft.getLayers().map((l) => l.feature).find((x) => x.properties.code === code);
    const name = window.prompt('新名称 New name', f ? f.properties.name : '');
    if (name) run({ op: 'rename', code, name }, performance.now(), null);
  }

  function setLevel(lv, keepMode) {
    ed.level = lv;
    if (!keepMode) { endMode(); ed.selected = []; }
    document.querySelectorAll('#edit-panel [data-level]').forEach((b) => b.classList.toggle('on', b.dataset.level === lv));
    if (map.getZoom() < MIN_ZOOM[lv]) map.setZoom(MIN_ZOOM[lv], { animate: false });
    loadDraft().catch(showError);
    renderTools();
  }

  // ---------------------------------------------------------------- sending an operation
  // One at a time: a release while one is in flight waits, and only the newest waiting edit is sent.
  async function run(body, t0, after) {
    if (ed.busy) { ed.pending = { body, t0, after }; return; }
    ed.busy = true;
    ed.rejected = null;
    ed.lastBody = body;
    try {
      const sent = Object.assign({ revision: ed.cs.revision }, body);
      const result = await api.op(ed.cs.id, sent);
      const answered = performance.now();
      ed.cs.revision = result.revision;
      ed.issues = result.issues || [];
      ed.changed = result.changed;
      // the op list as the server keeps it: undone operations are dropped by a new one
      const ops = (ed.cs.ops || []).filter((o) => !o.undone);
      ops.push({ seq: ops.length ? ops[ops.length - 1].seq + 1 : 1, revision: result.revision, op: sent, undone: false, at: new Date().toISOString() });
      ed.cs.ops = ops;
      // what the planner waits for: the draft redrawn and the numbers; then the edited edge as stored
      await Promise.all([loadDraft(), loadWorkload()]);
      renderAll();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      ed.timings.push(Math.round(performance.now() - t0));
      ed.opTimings.push(Math.round(answered - t0)); // of which the operation's round trip
      if (after) await after();
      if (ed.mode === 'paint') restyle();
    } catch (err) {
      await onOpError(err, after);
    } finally {
      ed.busy = false;
      ed.opsSettled = (ed.opsSettled || 0) + 1;
    }
    if (ed.pending) {
      const p = ed.pending;
      ed.pending = null;
      run(p.body, p.t0, p.after);
    }
  }

  async function onOpError(err, after) {
    ed.lastError = { status: err.status, message: err.message, body: err.body };
    if (err.status === 422) {
      // refused: nothing was stored; the issues say why and where; the edge goes back to what is stored
      ed.rejected = err.body.issues || [];
      renderIssues();
      if (ed.rejected.length) focusIssue(ed.rejected[0]);
      if (after) await after().catch(() => {});
    } else if (err.status === 409) {
      showConflict(err);
    } else {
      showError(err);
      if (after) await after().catch(() => {});
    }
  }

  async function undoRedo(undo) {
    endMode();
    try {
      const r = await (undo ? api.undo : api.redo)(ed.cs.id, ed.cs.revision);
      ed.cs.revision = r.revision;
      ed.issues = r.issues || [];
      await Promise.all([loadDraft(), loadWorkload(), reloadChangeSet()]);
      renderAll();
    } catch (err) {
      if (err.status === 409 && err.body && err.body.currentRevision != null) showConflict(err); else showError(err);
    }
  }

  // ---------------------------------------------------------------- conflicts: reload or rebase, never overwrite
  function showConflict(err) {
    ed.conflict = { message: err.message, currentRevision: err.body && err.body.currentRevision };
    const box = document.getElementById('edit-conflict');
    const stale = /changed since generation/.test(err.message);
    box.innerHTML = `<b>冲突 Conflict</b><p>${esc(err.message)}</p>`
      + (ed.conflict.currentRevision != null ? '<p>方案已被他人修改（或在另一窗口中修改）。The change set changed since you loaded it.</p>' : '')
      + '<button type="button" data-act="reload">重新加载 Reload</button>'
      + (stale || ed.conflict.currentRevision == null ? ' <button type="button" data-act="rebase">变基 Rebase onto the newest boundaries</button>' : '');
    box.hidden = false;
  }
  async function resolveConflict(act) {
    const box = document.getElementById('edit-conflict');
    try {
      if (act === 'rebase') {
        const fresh = await api.changeSet(ed.cs.id);
        await api.rebase(ed.cs.id, fresh.revision);
      }
      box.hidden = true;
      ed.conflict = null;
      await openChangeSet(ed.cs.id);
    } catch (err) {
      box.innerHTML += `<p class="err">${esc(err.message)}</p>`;
    }
  }

  // ---------------------------------------------------------------- the numbers: workload, issues, preview
  async function loadWorkload() {
    const p = await api.preview(ed.cs.id, null, 1, 0);
    ed.workload = p.households;
    ed.previewSummary = p;
  }

  function delta(b, a) {
    if (b == null || a == null) return '';
    const d = a - b;
    return d === 0 ? '±0' : (d > 0 ? '+' : '') + d;
  }

  function renderWorkload() {
    const el = document.getElementById('edit-workload');
    const rows = ed.workload.filter((h) => h.state !== 'retired' || h.before != null);
    if (!rows.length) { el.innerHTML = '<p class="muted">尚未改动 Nothing changed yet</p>'; return; }
    el.innerHTML = '<table><tr><th>区划 Region</th><th>户 Households</th><th>Δ</th><th>人 People</th></tr>'
      + rows.map((h) => {
        const cls = h.after == null ? 'retired' : h.withinGuideline ? 'in' : 'out';
        return `<tr class="wl ${cls}" data-code="${esc(h.code)}"><td>${LEVEL_ZH[h.level]} <span class="code">${esc(h.code)}</span></td>`
          + `<td>${h.before == null ? '新 new' : h.before} → ${h.after == null ? '撤销 retired' : `<b>${h.after}</b>`}`
          + ` <span class="guide">(${h.min}–${h.max})</span></td><td>${delta(h.before, h.after)}</td>`
          + `<td>${h.peopleBefore == null ? '' : h.peopleBefore} → ${h.peopleAfter == null ? '' : h.peopleAfter}</td></tr>`;
      }).join('') + '</table>';
  }

  const SEVERITY = { error: '错误 error', warning: '提醒 warning' };
  function renderIssues() {
    const el = document.getElementById('edit-issues');
    const list = (ed.rejected || []).map((i) => Object.assign({ rejected: true }, i))
      .concat(ed.issues.slice().sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1)));
    ed.shownIssues = list;
    el.innerHTML = (ed.rejected ? '<p class="err">操作被拒绝，未保存 The operation was refused; nothing was stored.</p>' : '')
      + (list.length ? '<ul>' + list.map((i, n) => `<li class="issue ${i.severity}" data-n="${n}" data-rule="${esc(i.rule)}">`
        + `<b>${SEVERITY[i.severity] || i.severity}</b> ${esc(i.message && i.message.zh)}<br><span class="en">${esc(i.message && i.message.en)}</span>`
        + (i.code ? ` <span class="code">${esc(i.code)}</span>` : '') + '</li>').join('') + '</ul>'
        : '<p class="muted">无问题 No issues</p>');
    el.querySelectorAll('li.issue').forEach((li) => li.addEventListener('click', () => focusIssue(list[+li.dataset.n])));
  }

  // zoom to an issue and mark its place (a point gets a ring, a line or area its outline)
  function focusIssue(issue) {
    issueLayer.clearLayers();
    ed.focused = issue;
    if (!issue || !issue.location) return;
    const g = L.geoJSON(issue.location, { pane: 'issue', interactive: false, snapIgnore: true, pmIgnore: true,
      style: { color: '#d50000', weight: 5, opacity: 0.9, fill: false },
      pointToLayer: (f, ll) => L.circleMarker(ll, { pane: 'issue', radius: 12, color: '#d50000', weight: 4, fill: false, snapIgnore: true, pmIgnore: true }) });
    issueLayer.addLayer(g);
    issueLayer.addTo(map);
    const b = g.getBounds();
    if (!freeBounds().contains(b)) fit(b, Math.max(map.getZoom(), 16));
  }

  // the part of the map the panel leaves free, and fitting into it
  function freeBounds() {
    const left = panel.hidden ? 0 : panel.getBoundingClientRect().right;
    const size = map.getSize();
    return L.latLngBounds(map.containerPointToLatLng([left + 10, size.y - 10]), map.containerPointToLatLng([size.x - 10, 10]));
  }
  function fit(bounds, maxZoom) {
    map.fitBounds(bounds, { maxZoom, paddingTopLeft: [(panel.hidden ? 0 : panel.getBoundingClientRect().right) + 30, 40],
      paddingBottomRight: [40, 40], animate: false });
  }

  // the preview: what moves (by kind, from → to), the events that need re-dispatch, the workers who gain or lose
  const KINDS = { houses: '房屋 houses', buildings: '楼栋 buildings', people: '人员 people', components: '部件 components',
    organizations: '组织 organisations', events: '事件 events' };
  async function openPreview(kind, offset) {
    const el = document.getElementById('edit-preview');
    el.hidden = false;
    el.innerHTML = '<p class="muted">计算中 Computing…</p>';
    try {
      const p = await api.preview(ed.cs.id, kind, 20, offset || 0);
      ed.preview = p;
      const kinds = Object.entries(p.kinds).map(([k, v]) => `<tr data-kind="${k}"><td>${KINDS[k] || k}</td><td><b>${v.moved}</b></td>`
        + `<td>${v.grids.map((g) => `${esc(g.from)} → ${esc(g.to)}: ${g.count}`).join('<br>') || '—'}</td></tr>`).join('');
      const m = p.moves;
      const items = m.items.map((i) => `<tr><td>${KINDS[i.kind] || i.kind} #${i.id}</td><td class="code">${esc(i.fromMicrogrid)}</td>`
        + `<td class="code">${esc(i.toMicrogrid)}</td></tr>`).join('');
      const ev = p.eventsChangingGrid.map((e) => `<li>事件 event #${e.id}: ${esc(e.fromGrid)} → ${esc(e.toGrid)}</li>`).join('');
      const w = p.workers || { staff: [], unstaffedNewGrids: [] };
      const staff = w.staff.map((s) => `<li>${esc(s.displayName || s.username)} (${esc(s.roles.join(','))}) · <span class="code">${esc(s.region)}</span> `
        + (s.change === 'loses' ? '<b>失去 loses</b>' : `${s.householdsBefore} → ${s.householdsAfter} 户 households`) + '</li>').join('');
      el.innerHTML = `<h4>预览 Preview <button type="button" data-act="close-preview">×</button></h4>`
        + `<table class="kinds"><tr><th>类别 Kind</th><th>移动 Moved</th><th>网格 from → to</th></tr>${kinds}</table>`
        + `<h5>明细 Moves (${m.kind}): ${m.offset + 1}–${m.offset + m.items.length} / ${m.total}</h5>`
        + `<select id="preview-kind"><option value="">全部 all</option>${Object.keys(KINDS).map((k) => `<option value="${k}" ${k === kind ? 'selected' : ''}>${KINDS[k]}</option>`).join('')}</select>`
        + ` <button type="button" data-act="prev" ${m.offset === 0 ? 'disabled' : ''}>‹</button><button type="button" data-act="next" ${m.offset + m.limit >= m.total ? 'disabled' : ''}>›</button>`
        + `<table class="moves"><tr><th></th><th>从 from</th><th>到 to</th></tr>${items}</table>`
        + `<h5>换网格的事件（需重新派遣）Events whose grid changes, to re-dispatch (${p.eventsChangingGrid.length})</h5><ul>${ev || '<li>—</li>'}</ul>`
        + `<h5>网格员 Workers</h5><ul>${staff || '<li>—</li>'}${w.unstaffedNewGrids.map((g) => `<li class="out">新网格无人 new grid without a worker: <span class="code">${esc(g)}</span></li>`).join('')}</ul>`;
      el.querySelector('#preview-kind').addEventListener('change', (e) => openPreview(e.target.value || null, 0));
      el.querySelector('[data-act=prev]').addEventListener('click', () => openPreview(kind, Math.max(0, m.offset - m.limit)));
      el.querySelector('[data-act=next]').addEventListener('click', () => openPreview(kind, m.offset + m.limit));
      el.querySelector('[data-act=close-preview]').addEventListener('click', () => { el.hidden = true; });
    } catch (err) {
      el.innerHTML = `<p class="err">${esc(err.message)}</p>`;
    }
  }

  // ---------------------------------------------------------------- sign-off
  async function submit() {
    const day = document.getElementById('effective-from').value;
    try {
      await api.submit(ed.cs.id, ed.cs.revision, day);
      await openChangeSet(ed.cs.id);
    } catch (err) {
      if (err.status === 409) showConflict(err); else showError(err);
    }
  }
  async function decide(decision) {
    const comment = document.getElementById('decision-comment').value;
    try {
      await api.decide(ed.cs.id, ed.cs.revision, decision, comment);
      await openChangeSet(ed.cs.id);
    } catch (err) {
      if (err.status === 409) showConflict(err); else showError(err);
    }
  }
  async function publish() {
    try {
      const r = await api.publish(ed.cs.id, ed.cs.revision);
      ed.published = r;
      await openChangeSet(ed.cs.id);
      gm.redrawRegions(); // the tiles of the changed extent were dropped: draw them again
    } catch (err) {
      if (err.status === 409) showConflict(err); else showError(err);
    }
  }

  // times as the city reads them (UTC+8), to the minute
  const CITY_TIME = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hour12: false });
  const cityTime = (at) => { const d = new Date(at); return Number.isNaN(d.getTime()) ? String(at) : CITY_TIME.format(d); };

  function timeline(cs) {
    const rows = [[cs.createdAt, `创建 created by ${esc(cs.author)}`]];
    // a run of operations of one kind is one line: "reshape edge ×11, 19:39–19:40"
    const runs = [];
    (cs.ops || []).forEach((o) => {
      const last = runs[runs.length - 1];
      const key = o.op.op + (o.undone ? '/undone' : '');
      if (last && last.key === key) { last.n++; last.until = o.at; } else runs.push({ key, op: o.op.op, undone: o.undone, n: 1, at: o.at, until: o.at });
    });
    runs.forEach((r) => rows.push([r.at, `${OP_ZH[r.op] || esc(r.op)}${r.n > 1 ? ' ×' + r.n + ' (至 until ' + esc(cityTime(r.until).slice(11)) + ')' : ''}`
      + (r.undone ? ' (撤销 undone)' : '')]));
    if (cs.submittedAt) rows.push([cs.submittedAt, `提交 submitted · 生效 effective ${esc(cs.effectiveFrom)} · 审批链 chain ${(cs.chain || []).map((l) => LEVEL_ZH[l] || l).join(' → ')}`]);
    (cs.approvals || []).forEach((a) => rows.push([a.at, `${a.decision === 'approve' ? '同意 approved' : '退回 returned'} · ${LEVEL_ZH[a.level] || esc(a.level)}级 `
      + `${esc(a.approver)}${a.comment ? ' · “' + esc(a.comment) + '”' : ''}${a.counts ? '' : ' (作废 void: edited after)'}`]));
    if (cs.state === 'scheduled') rows.push([cs.updatedAt, `待生效 scheduled for ${esc(cs.effectiveFrom)}`]);
    if (cs.generation != null) rows.push([cs.updatedAt, `发布 published as generation ${cs.generation}, in force from ${esc(cs.effectiveFrom)}`]);
    rows.sort((a, b) => new Date(a[0]) - new Date(b[0]));
    return '<ol class="timeline">' + rows.map(([at, text]) => `<li><span class="at">${esc(cityTime(at))}</span> ${text}</li>`).join('') + '</ol>';
  }

  // ---------------------------------------------------------------- the panel
  const panel = gm.sidePanel('edit-panel', 'open-changesets', '调整方案 Change sets', () => showList(), () => closePanel());

  function setHint(text) {
    const el = document.getElementById('edit-hint');
    if (el) el.textContent = text;
  }
  function showError(err) {
    ed.lastError = { status: err.status, message: err.message };
    const el = document.getElementById('edit-error');
    if (el) { el.textContent = err.message; el.hidden = false; } else gm.setStatus(err.message);
  }

  function closePanel() {
    leaveChangeSet();
    panel.hidden = true;
  }

  async function showList() {
    leaveChangeSet();
    panel.hidden = false;
    gm.placePanel(panel);
    panel.innerHTML = '<h3>调整方案 Change sets</h3>'
      + (auth.edits() ? `<form id="new-changeset"><input name="title" placeholder="方案名称 Title" required maxlength="200">`
        + `<select name="unlocks" title="可调整的最高层级 the highest level whose boundary may move"><option value="grid">网格边界 grid</option>`
        + `<option value="community">社区边界 community</option><option value="street">街道边界 street</option></select>`
        + ` <button type="submit">新建 Create</button></form>` : '')
      + (auth.approves() ? '<h4>待我审批 My queue</h4><ul id="queue" class="cs-list"><li class="muted">…</li></ul>' : '')
      + '<h4>我区域内的方案 In my area</h4><ul id="cs-list" class="cs-list"><li class="muted">…</li></ul><p id="edit-error" class="err" hidden></p>';
    const form = document.getElementById('new-changeset');
    if (form) {
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        try {
          const cs = await api.createChangeSet(form.title.value.trim(), null, form.unlocks.value);
          await openChangeSet(cs.id);
        } catch (err) { showError(err); }
      });
    }
    const item = (cs) => `<li data-id="${cs.id}"><b>${esc(cs.title)}</b> <span class="state ${cs.state}">${STATE_ZH[cs.state] || cs.state}</span>`
      + `<br><span class="muted">#${cs.id} · ${esc(cs.author)} · rev ${cs.revision}${cs.effectiveFrom ? ' · ' + esc(cs.effectiveFrom) : ''}</span></li>`;
    const fill = (id, list) => {
      const ul = document.getElementById(id);
      if (!ul) return;
      ul.innerHTML = list.length ? list.map(item).join('') : '<li class="muted">无 none</li>';
      ul.querySelectorAll('li[data-id]').forEach((li) => li.addEventListener('click', () => openChangeSet(+li.dataset.id)));
    };
    try {
      const [all, queue] = await Promise.all([api.changeSets(false), auth.approves() ? api.changeSets(true) : Promise.resolve([])]);
      ed.list = all.map((c) => c.id);
      ed.queue = queue.map((c) => c.id);
      fill('cs-list', all);
      fill('queue', queue);
      ed.listShown = (ed.listShown || 0) + 1;
    } catch (err) { showError(err); }
  }

  async function reloadChangeSet() {
    const cs = await api.changeSet(ed.cs.id);
    ed.cs = cs;
    if (!ed.issues.length && cs.issues) ed.issues = cs.issues;
  }

  async function openChangeSet(id) {
    endMode();
    const cs = await api.changeSet(id);
    const first = !ed.cs || ed.cs.id !== id;
    ed.cs = cs;
    ed.issues = cs.issues || [];
    ed.rejected = null;
    if (first) { ed.selected = []; ed.timings = []; ed.opTimings = []; }
    panel.hidden = false;
    gm.placePanel(panel);
    draft.addTo(map);
    outline.addTo(map);
    issueLayer.addTo(map);
    const ext = cs.summary && cs.summary.extent;
    if (first && ext) {
      // a change set opens on what it changes (an approver from her queue sees it at once)
      fit(L.latLngBounds([[ext[1], ext[0]], [ext[3], ext[2]]]), 17);
      if (map.getZoom() < MIN_ZOOM[ed.level]) map.setZoom(MIN_ZOOM[ed.level], { animate: false });
    } else if (first && map.getZoom() < MIN_ZOOM[ed.level]) {
      map.setZoom(MIN_ZOOM[ed.level], { animate: false });
    }
    await Promise.all([loadDraft(), loadWorkload()]);
    renderAll();
    ed.opened = (ed.opened || 0) + 1;
  }

  function leaveChangeSet() {
    if (!ed.cs) return;
    endMode();
    if (ed.view === 'after') setView('compare');
    ed.cs = null;
    ed.selected = [];
    map.removeLayer(draft); map.removeLayer(outline); map.removeLayer(issueLayer);
    draft.clearLayers(); outline.clearLayers(); issueLayer.clearLayers();
  }

  function renderAll() {
    const cs = ed.cs;
    const canSign = auth.approves() && cs.state === 'submitted' && cs.author !== me.username;
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); // the city's day (UTC+8)
    panel.innerHTML = `<h3><button type="button" data-act="back" title="返回 Back">‹</button> ${esc(cs.title)}</h3>`
      + `<p class="meta">#${cs.id} · <span class="state ${cs.state}" id="cs-state">${STATE_ZH[cs.state] || cs.state}</span> · rev <span id="cs-revision">${cs.revision}</span>`
      + ` · 基于第 ${cs.baseGeneration} 版 base generation ${cs.baseGeneration} · ${esc(cs.author)}</p>`
      + '<div id="edit-conflict" class="conflict" hidden></div><p id="edit-error" class="err" hidden></p>'
      + '<div class="row">层级 Level: <button type="button" data-level="grid">网格 Grid</button><button type="button" data-level="microgrid">微网格 Micro-grid</button></div>'
      + '<div class="row">视图 View: <button type="button" data-view="compare">对比 Compare</button><button type="button" data-view="before">调整前 Before</button>'
      + '<button type="button" data-view="after">调整后 After</button></div>'
      + '<p id="edit-hint" class="muted"></p>'
      + (editable() ? '<div id="edit-tools"></div>' : '')
      + '<h4>工作量 Workload <span class="muted">(户 households: 网格 grid ' + guide('grid') + ', 微网格 micro-grid ' + guide('microgrid') + ')</span></h4><div id="edit-workload"></div>'
      + '<h4>问题 Issues</h4><div id="edit-issues"></div>'
      + '<div class="row"><button type="button" data-act="preview">预览 Preview what moves</button></div><div id="edit-preview" hidden></div>'
      + (editable() ? `<h4>提交 Submit</h4><div class="row">生效日期 Effective from <input type="date" id="effective-from" value="${today}" min="${today}">`
        + ' <button type="button" data-act="submit">提交审批 Submit</button></div>' : '')
      + (canSign ? '<h4>审批 Sign-off</h4><textarea id="decision-comment" rows="2" placeholder="意见 Comment"></textarea>'
        + '<div class="row"><button type="button" data-act="approve">同意 Approve</button> <button type="button" data-act="return">退回 Return</button></div>' : '')
      + (cs.state === 'approved' && auth.edits() ? '<div class="row"><button type="button" data-act="publish">发布 Publish</button></div>' : '')
      + '<h4>时间线 Timeline</h4>' + timeline(cs);
    panel.querySelectorAll('[data-level]').forEach((b) => { b.classList.toggle('on', b.dataset.level === ed.level); b.addEventListener('click', () => setLevel(b.dataset.level)); });
    panel.querySelectorAll('[data-view]').forEach((b) => { b.classList.toggle('on', b.dataset.view === ed.view); b.addEventListener('click', () => setView(b.dataset.view)); });
    const on = (act, fn) => { const b = panel.querySelector(`[data-act=${act}]`); if (b) b.addEventListener('click', fn); };
    on('back', showList);
    on('preview', () => openPreview(null, 0));
    on('submit', submit);
    on('approve', () => decide('approve'));
    on('return', () => decide('return'));
    on('publish', publish);
    panel.querySelector('#edit-conflict').addEventListener('click', (e) => { if (e.target.dataset.act) resolveConflict(e.target.dataset.act); });
    renderTools();
    renderWorkload();
    renderIssues();
    ed.rendered = (ed.rendered || 0) + 1;
  }
  function guide(level) {
    const h = ed.workload.find((x) => x.level === level);
    return h ? `${h.min}–${h.max}` : (level === 'grid' ? '≈300' : '30–50');
  }

  function renderTools() {
    const el = document.getElementById('edit-tools');
    if (!el) return;
    const n = ed.selected.length;
    const one = n === 1;
    const isGrid = one && ed.selected[0].length === 15;
    const modeText = { edge: '拖动顶点调整公共边，端点固定 Drag vertices of the shared edge (its ends are pinned)',
      split: '画一条穿过所选区划的线，双击结束 Draw a line across the region; double-click to finish',
      carve: '在网格内画线划分微网格，双击结束 Draw a line inside the grid to carve micro-grids; double-click to finish',
      paint: `点击微网格划入 ${ed.paintTarget || ''} Click micro-grids to paint them into the target grid` }[ed.mode];
    const ops = (ed.cs.ops || []).map((o) => `<li class="${o.undone ? 'undone' : ''}" value="${o.seq}">${OP_ZH[o.op.op] || esc(o.op.op)}</li>`).join('');
    el.innerHTML = `<p>已选 Selected: ${n ? ed.selected.map((c) => `<span class="code">${esc(c)}</span>`).join(', ') : '<span class="muted">点击地图上的区划 click regions on the map</span>'}`
      + (n ? ' <button type="button" data-tool="clear">清除 Clear</button>' : '') + '</p>'
      + '<div class="row tools">'
      + `<button type="button" data-tool="edge" ${n === 2 ? '' : 'disabled'}>调整公共边 Edit shared edge</button>`
      + `<button type="button" data-tool="split" ${one ? '' : 'disabled'}>分割 Split</button>`
      + `<button type="button" data-tool="merge" ${n >= 2 ? '' : 'disabled'}>合并 Merge</button>`
      + `<button type="button" data-tool="carve" ${isGrid ? '' : 'disabled'}>新建微网格 Create micro-grids</button>`
      + `<button type="button" data-tool="paint" ${isGrid ? '' : 'disabled'}>划入 Paint into grid</button>`
      + `<button type="button" data-tool="rename" ${one ? '' : 'disabled'}>改名 Rename</button>`
      + (ed.mode ? '<button type="button" data-tool="done">完成 Done</button>' : '')
      + '</div>'
      + (modeText ? `<p class="mode">${modeText}</p>` : '')
      + '<div class="row"><button type="button" data-tool="undo">↶ 撤销 Undo</button><button type="button" data-tool="redo">↷ 重做 Redo</button></div>'
      + (ops ? `<ol class="ops">${ops}</ol>` : '');
    const tools = { clear: clearSelection, edge: () => editEdge().catch(showError), split: () => drawLine('split'), merge, carve: () => drawLine('carve'),
      paint: startPaint, rename: renameSelected, done: () => { endMode(); restyle(); renderTools(); }, undo: () => undoRedo(true), redo: () => undoRedo(false) };
    el.querySelectorAll('[data-tool]').forEach((b) => b.addEventListener('click', () => tools[b.dataset.tool]()));
  }

  Object.assign(ed, { openChangeSet, showList, setView, setLevel, focusIssue, reload: () => loadDraft(),
    issueLayerBounds: () => issueLayer.getLayers().map((l) => l.getBounds()) });
  Object.defineProperty(ed, 'edgeLayers', { get: () => edgeLayers });
})();
