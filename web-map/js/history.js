// 历史 — the boundaries over time: the list of generations, the grids (or micro-grids) in force on a chosen day drawn
// over the map, and a region's versions and lineage on click. Every role that reads regions sees it.
(function () {
  const api = window.gridmapApi;
  const gm = window.gridmap;
  const map = gm.map;
  const esc = gm.esc;

  const hs = { day: null, level: 'grid', generations: [], loaded: 0, shown: null };
  window.gridmapHistory = hs;

  map.createPane('history');
  map.getPane('history').style.zIndex = 435;
  const layer = L.geoJSON(null, { pane: 'history', snapIgnore: true, pmIgnore: true,
    style: () => ({ color: '#5e35b1', weight: 2, dashArray: '5 3', fill: true, fillColor: '#5e35b1', fillOpacity: 0.04 }),
    onEachFeature: (f, l) => l.on('click', (e) => { L.DomEvent.stopPropagation(e); showHistory(f.properties.code); }) });

  const panel = gm.sidePanel('history-panel', 'open-history', '历史 History', () => open(), () => close());

  function close() {
    panel.hidden = true;
    map.removeLayer(layer);
    layer.clearLayers();
    hs.day = null;
  }

  async function open() {
    panel.hidden = false;
    const editPanel = document.getElementById('edit-panel');
    if (editPanel && !editPanel.hidden) document.getElementById('open-changesets').click(); // one panel at a time
    gm.placePanel(panel);
    panel.innerHTML = '<h3>历史 Boundary history <button type="button" data-act="close">×</button></h3><p class="muted">…</p>';
    panel.querySelector('[data-act=close]').addEventListener('click', close);
    try {
      hs.generations = await api.generations();
    } catch (err) {
      panel.innerHTML += `<p class="err">${esc(err.message)}</p>`;
      return;
    }
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    panel.innerHTML = '<h3>历史 Boundary history <button type="button" data-act="close">×</button></h3>'
      + `<div class="row">日期 Day <input type="date" id="history-day" value="${hs.day || today}"> `
      + '<select id="history-level"><option value="grid">网格 grids</option><option value="microgrid">微网格 micro-grids</option></select>'
      + ' <button type="button" data-act="show">显示 Show</button></div>'
      + '<p class="muted" id="history-note">所选日期生效的边界以紫色虚线显示；点击区划查看沿革。The boundaries in force that day are drawn dashed purple; '
      + 'click one for its lineage.</p>'
      + '<h4>版本 Generations</h4><ol class="generations">' + hs.generations.map((g) => `<li data-day="${esc(g.effectiveFrom)}">`
        + `<b>第 ${g.id} 版</b> · ${esc(g.effectiveFrom)} 起生效 in force from${g.changeSet ? ' · 方案 change set #' + g.changeSet : ''}`
        + `<br><span class="muted">${esc(g.description || '')}</span></li>`).join('') + '</ol>'
      + '<div id="history-region"></div>';
    panel.querySelector('[data-act=close]').addEventListener('click', close);
    panel.querySelector('[data-act=show]').addEventListener('click', () => showDay(panel.querySelector('#history-day').value));
    panel.querySelector('#history-level').value = hs.level;
    panel.querySelector('#history-level').addEventListener('change', (e) => { hs.level = e.target.value; if (hs.day) showDay(hs.day); });
    panel.querySelectorAll('.generations li').forEach((li) => li.addEventListener('click', () => {
      panel.querySelector('#history-day').value = li.dataset.day;
      showDay(li.dataset.day);
    }));
  }

  async function showDay(day) {
    hs.day = day;
    const min = hs.level === 'grid' ? 13 : 15;
    if (map.getZoom() < min) map.setZoom(min);
    await loadDay();
  }

  let seq = 0;
  async function loadDay() {
    if (!hs.day) return;
    const n = ++seq;
    const b = map.getBounds().pad(0.2);
    try {
      const fc = await api.regionsAsOf(hs.level, [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], hs.day);
      if (n !== seq) return;
      layer.clearLayers();
      layer.addData(fc);
      layer.addTo(map);
      hs.loaded++;
      hs.codes = fc.features.map((f) => f.properties.code);
      const note = document.getElementById('history-note');
      if (note) note.textContent = `${hs.day}: ${fc.features.length} 个${hs.level === 'grid' ? '网格' : '微网格'} in view (${hs.level}s in force that day)`;
    } catch (err) {
      const note = document.getElementById('history-note');
      if (note) note.textContent = err.message;
    }
  }
  map.on('moveend', () => { if (hs.day && !panel.hidden) loadDay(); });

  const REL = { renumbered: '改编码 renumbered', split: '分出 split', merged: '合并 merged', moved: '划转 moved' };
  async function showHistory(code) {
    const el = document.getElementById('history-region');
    if (!el) return;
    try {
      const h = await api.regionHistory(code);
      hs.shown = h;
      el.innerHTML = `<h4>沿革 Lineage of <span class="code">${esc(code)}</span></h4><ul>`
        + h.versions.map((v) => `<li>第 ${v.generationLow}${v.generationHigh != null && v.generationHigh !== v.generationLow ? '–' + v.generationHigh : ''} 版 · `
          + `${v.from ? esc(v.from) : '初始 first load'} → ${v.until ? esc(v.until) : '至今 now'} · ${esc(v.name)} · ${(v.areaSqm / 1e4).toFixed(2)} ha</li>`).join('') + '</ul>'
        + (h.lineage.length ? '<ul class="lineage">' + h.lineage.map((l) => `<li>${esc(l.effectiveFrom)} ${REL[l.relation] || esc(l.relation)}: `
          + `<span class="code">${esc(l.from)}</span> → <span class="code">${esc(l.to)}</span>${l.areaSqm != null ? ' · ' + Math.round(l.areaSqm).toLocaleString() + ' m²' : ''}</li>`).join('') + '</ul>'
          : '<p class="muted">无划转 never split, merged or renumbered</p>');
    } catch (err) {
      el.innerHTML = `<p class="err">${esc(err.message)}</p>`;
    }
  }

  Object.assign(hs, { open, showDay, showHistory });
})();
