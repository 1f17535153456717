// 人地物事组织 on the map: the statistics choropleth of the finest level drawn, element points from the tiles at high zoom,
// and element search (addresses, organisations, people — personal data arrives masked from the API).
(function () {
  const api = window.gridmapApi;
  const gm = window.gridmap;
  const auth = window.gridmapAuth;
  const map = gm.map;
  const esc = gm.esc;

  // ---------------------------------------------------------------- choropleth
  const METRICS = [
    { id: '', label: '无 None' },
    { id: 'households', label: '户数 Households' },
    { id: 'people', label: '人口 People' },
    { id: 'migrant', label: '流动人口 Migrants' },
    { id: 'events', label: '事件 Events' },
    { id: 'components', label: '部件 Components' },
    { id: 'organizations', label: '组织 Organizations' },
    { id: 'closedOnTimeRate', label: '按期结案率 Closed on time', loop: true },
    { id: 'overdue', label: '超期事件 Overdue events', loop: true },
  ];
  const RATE_COLORS = ['#d7301f', '#fc8d59', '#fee08b', '#91cf60', '#1a9850'];
  // the 网格 guideline: about 300 households a grid and 30-50 a micro-grid
  const GUIDELINE = { grid: 300, microgrid: 40 };
  const GUIDE_COLORS = ['#deebf7', '#9ecae1', '#41ab5d', '#fd8d3c', '#d7301f'];
  const SEQ_COLORS = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];
  const cache = {};
  const chor = { metric: '', level: null, styled: 0, breaks: [], colors: [] };
  gm.choropleth = chor;

  const isLoop = (metric) => METRICS.some((m) => m.id === metric && m.loop);
  function valueOf(s, metric) {
    if (!s) return null;
    if (metric === 'closedOnTimeRate') return s.rates ? s.rates.closedOnTimeRate : null;
    if (metric === 'overdue') return s.counts ? s.counts.overdue : null;
    return metric === 'migrant' ? s.peopleByResidence.migrant : s[metric];
  }

  function classify(level, metric, values) {
    const g = GUIDELINE[level];
    if (metric === 'closedOnTimeRate') { // a rate: fixed breaks, red (low) to green (high)
      chor.colors = RATE_COLORS;
      return [0.6, 0.7, 0.8, 0.9];
    }
    if (metric === 'households' && g) {
      chor.colors = GUIDE_COLORS;
      return [0.5 * g, 0.83 * g, 1.17 * g, 1.5 * g].map(Math.round);
    }
    chor.colors = SEQ_COLORS;
    const v = values.filter((x) => x != null).sort((a, b) => a - b);
    if (!v.length) return [0, 0, 0, 0];
    return [0.2, 0.4, 0.6, 0.8].map((q) => v[Math.min(v.length - 1, Math.floor(q * v.length))]);
  }

  function colorFor(v) {
    let i = 0;
    while (i < chor.breaks.length && v >= chor.breaks[i]) i++;
    return chor.colors[i];
  }

  async function statsOf(level, metric) {
    const loop = isLoop(metric);
    const key = (loop ? 'loop:' : '') + level;
    if (!cache[key]) {
      // the loop's metrics exist down to grids (a micro-grid has too few events to rate)
      const list = loop ? (level === 'microgrid' ? [] : (await api.eventMetrics(level)).items) : await api.levelStats(level);
      cache[key] = new Map(list.map((s) => [s.code, s]));
    }
    return cache[key];
  }

  // colours the finest level drawn from the level's statistics (one request per level, whole city: the breaks do
  // not move while panning); the polygons come from the tiles, joined on their code
  let styledLevel = null;
  async function applyChoropleth() {
    const level = gm.finestVisibleLevel();
    chor.level = level;
    if (!chor.metric || level === 'city') {
      if (styledLevel) { gm.restyle(styledLevel, null); styledLevel = null; gm.redrawRegions(); }
      renderLegend();
      return;
    }
    const stats = await statsOf(level, chor.metric);
    if (level !== gm.finestVisibleLevel()) return; // the user moved on while the statistics loaded
    chor.breaks = classify(level, chor.metric, [...stats.values()].map((s) => valueOf(s, chor.metric)));
    if (styledLevel && styledLevel !== level) gm.restyle(styledLevel, null);
    styledLevel = level;
    gm.restyle(level, (code) => {
      const v = valueOf(stats.get(code), chor.metric);
      return v == null ? null : { fill: true, fillColor: colorFor(v), fillOpacity: 0.65 };
    });
    gm.redrawRegions();
    renderLegend();
  }

  const control = L.control({ position: 'topleft' });
  control.onAdd = () => {
    const div = L.DomUtil.create('div', 'panel choropleth');
    div.innerHTML = '<label>统计 <select id="choropleth-metric">' + METRICS.map((m) => `<option value="${m.id}">${m.label}</option>`).join('')
      + '</select></label><div id="choropleth-legend"></div>';
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  control.addTo(map);
  document.getElementById('choropleth-metric').addEventListener('change', (e) => {
    chor.metric = e.target.value;
    applyChoropleth().catch((err) => gm.setStatus(err.message));
  });
  gm.onLevelChange.push(() => applyChoropleth().catch((err) => gm.setStatus(err.message)));
  gm.onRendered.push(() => {
    chor.styled = chor.metric && styledLevel === chor.level ? gm.state.styled : 0;
    renderLegend();
  });

  function renderLegend() {
    const el = document.getElementById('choropleth-legend');
    if (!chor.metric || !chor.level || chor.level === 'city') { el.innerHTML = ''; return; }
    const b = chor.breaks;
    const f = (x) => (chor.metric === 'closedOnTimeRate' ? Math.round(x * 100) + '%' : x);
    const labels = [`< ${f(b[0])}`, `${f(b[0])}–${f(b[1])}`, `${f(b[1])}–${f(b[2])}`, `${f(b[2])}–${f(b[3])}`, `≥ ${f(b[3])}`];
    const g = chor.metric === 'households' ? GUIDELINE[chor.level] : null;
    el.innerHTML = `<div class="levels">${chor.level} · ${chor.styled} regions</div>` + labels.map((t, i) =>
      `<div><i style="background:${chor.colors[i]}"></i>${t}${g && i === 2 ? ' ≈ ' + g + ' 户 guideline' : ''}</div>`).join('');
  }

  // ---------------------------------------------------------------- element points from the tiles
  // Events, components and organisations are drawn from one composite tile from their point zoom (the /tiles
  // catalogue) on. A click near a point asks the service for the elements around it (the popup carries what tiles
  // never do: descriptions, departments, masked phones).
  const KINDS = [
    { id: 'events', label: '事件 Events', color: '#d7301f', popup: (e) => `<b>${esc(e.className)}</b> <span class="code">${esc(e.classCode)}</span><br>`
      + `${esc(e.occurredAt.substring(0, 16).replace('T', ' '))}<br>${esc(e.description)}`
      + `<br><button type="button" class="open-event" data-id="${e.id}">办理 / 详情 Open</button>` },
    { id: 'components', label: '部件 Components', color: '#2171b5', popup: (c) => `<b>${esc(c.className)}</b> (${esc(c.majorClass)})<br>`
      + `<span class="code">${esc(c.code)}</span><br>${esc(c.state)} · ${esc(c.department || '')}` },
    { id: 'organizations', label: '组织 Organizations', color: '#238b45', popup: (o) => `<b>${esc(o.name)}</b><br>`
      + `<span class="code">${esc(o.creditCode)}</span><br>${esc(o.address || '')}<br>☎ ${esc(o.phone || '—')}` },
  ];
  const CLICK_PX = 8;
  const shownKinds = new Set(KINDS.map((k) => k.id));
  const elementState = { pointZoom: 15, drawn: {} };
  gm.elements = elementState;
  function resetElementsDrawn() {
    KINDS.forEach((k) => { elementState.drawn[k.id] = 0; });
  }
  resetElementsDrawn();

  const elementTiles = L.vectorGrid.protobuf('tiles/{kinds}/{z}/{x}/{y}.mvt', {
    fetchOptions: api.tileFetch,
    pane: 'elements', rendererFactory: L.canvas.tile, interactive: false, maxZoom: 19, minZoom: elementState.pointZoom,
    kinds: () => KINDS.map((k) => k.id).filter((id) => shownKinds.has(id)).join(',') || 'events',
    vectorTileLayerStyles: Object.fromEntries(KINDS.map((k) => [k.id, (p, z) => {
      if (!shownKinds.has(k.id)) return [];
      if (z === Math.round(map.getZoom())) elementState.drawn[k.id]++;
      if (k.id === 'events' && gm.eventStyle) return gm.eventStyle(p);
      return { radius: 5, stroke: true, color: '#fff', weight: 1, fill: true, fillColor: k.color, fillOpacity: 0.9 };
    }])),
  }).addTo(map);
  gm.elementTiles = elementTiles;
  map.on('zoomstart', resetElementsDrawn);
  api.tileCatalogue().then((layers) => {
    // the zoom from which the tiles hold points rather than counts per region
    elementState.pointZoom = Math.max(...layers.filter((l) => shownKinds.has(l.id)).map((l) => l.pointzoom));
    elementTiles.options.minZoom = elementState.pointZoom;
    gm.redraw(elementTiles);
  }).catch(() => { /* keep the default */ });

  const toggles = {};
  KINDS.forEach((k) => {
    toggles[k.id] = L.layerGroup().addTo(map);
    gm.layerControl.addOverlay(toggles[k.id], k.label + ` <span style="color:#888">z≥${elementState.pointZoom}</span>`);
  });
  map.on('overlayadd overlayremove', (e) => {
    const k = KINDS.find((x) => toggles[x.id] === e.layer);
    if (k) show(k.id, e.type === 'overlayadd');
  });
  function show(kind, on) {
    if (on) shownKinds.add(kind); else shownKinds.delete(kind);
    resetElementsDrawn();
    gm.redraw(elementTiles);
  }

  function gridLine(x) {
    return `<br><span class="code">网格 ${esc(x.gridCode)}</span>`;
  }

  // the element nearest the click within CLICK_PX screen pixels, among the kinds shown
  gm.clickProviders.push(async (latlng) => {
    if (map.getZoom() < elementState.pointZoom || !shownKinds.size) return null;
    const p = map.latLngToContainerPoint(latlng);
    const sw = map.containerPointToLatLng([p.x - CLICK_PX, p.y + CLICK_PX]);
    const ne = map.containerPointToLatLng([p.x + CLICK_PX, p.y - CLICK_PX]);
    const bbox = [sw.lng, sw.lat, ne.lng, ne.lat];
    const pages = await Promise.all(KINDS.filter((k) => shownKinds.has(k.id))
      .map((k) => api.elements(k.id, bbox).then((page) => page.items.map((x) => ({ k, x })))));
    let best = null;
    let bestD = Infinity;
    pages.flat().forEach((c) => {
      const d = map.latLngToContainerPoint([c.x.lat, c.x.lon]).distanceTo(p);
      if (d < bestD) { best = c; bestD = d; }
    });
    return best && bestD <= CLICK_PX ? `<div class="element-popup ${best.k.id}">${best.k.popup(best.x)}${gridLine(best.x)}</div>` : null;
  });

  // ---------------------------------------------------------------- element search (addresses, organisations, people)
  const found = L.layerGroup().addTo(map);
  function showPoint(lat, lon, html) {
    found.clearLayers();
    L.marker([lat, lon]).bindPopup(html).addTo(found).openPopup();
    map.setView([lat, lon], Math.max(map.getZoom(), 17));
  }
  gm.searchProviders.push(async (q) => {
    const out = [];
    const [geo, orgs, people] = await Promise.all([
      api.geocode(q).catch(() => null), auth.seesElements() ? api.organizations(q).catch(() => null) : null,
      auth.seesPeople() ? api.people(q).catch(() => null) : null]);
    if (geo && geo.match) {
      const m = geo.match;
      out.push({ html: `📍 ${esc(m.address)} <span class="code">${esc(m.level)} · ${m.score}</span>`,
        go: () => showPoint(m.lat, m.lon, `<b>${esc(m.address)}</b><br>${esc(m.level)}, score ${m.score}`
          + `<br><span class="code">网格 ${esc(geo.regions[4].code)}</span>`) });
    }
    (orgs ? orgs.items : []).forEach((o) => out.push({ html: `🏢 ${esc(o.name)} <span class="code">${esc(o.creditCode)}</span>`,
      go: () => showPoint(o.lat, o.lon, KINDS[2].popup(o) + gridLine(o)) }));
    (people ? people.items : []).forEach((p) => out.push({ html: `👤 ${esc(p.name)} <span class="code">${esc(p.idNumber)}</span>`,
      go: () => showPoint(p.lat, p.lon, `<b>${esc(p.name)}</b> ${esc(p.gender)} ${p.birthYear}<br>身份证 <span class="code">${esc(p.idNumber)}</span>`
        + `<br>☎ ${esc(p.phone || '—')}<br>${esc(p.address)}${gridLine(p)}`) }));
    return out;
  });
})();
