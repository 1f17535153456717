// 一网统管 三级平台: the dashboard of a level beside the map — the city's districts, a district's streets, a street's
// communities — with the events loop's figures, the day's early warnings, disputes, 特殊人群 visits, 三官一律 activities
// and staffing gaps of each child. The children are drawn on the map shaded by the share of events closed on time; a
// click on a row or on a child drills down (the map flies to it), the path above drills back up.
(function () {
  const api = window.gridmapApi;
  const gm = window.gridmap;
  const map = gm.map;
  const esc = gm.esc;

  // what the tests (and a curious user) can read
  const state = { code: null, view: null, error: null, drawn: [] };
  window.gridmapDashboard = state;

  const layer = L.layerGroup().addTo(map);
  const panel = gm.sidePanel('dashboard-panel', 'open-dashboard', '三级平台 Dashboard', () => show(state.code || home()), () => {
    panel.hidden = true;
    layer.clearLayers();
  });

  // the caller's own level: the city for a city scope, else her (first) region
  function home() {
    const me = window.gridmapAuth.me();
    return me.scope.includes('*') || me.scope.length !== 1 ? '321100' : me.scope[0];
  }

  const pct = (r) => (r == null ? '—' : (100 * r).toFixed(1) + '%');
  const n = (v) => (v == null ? '—' : String(v));
  // closed on time: red below 60 %, green from 95 %
  const shade = (r) => (r == null ? '#bdbdbd' : r >= 0.95 ? '#1a9850' : r >= 0.85 ? '#91cf60' : r >= 0.75 ? '#fee08b' : r >= 0.6 ? '#fc8d59' : '#d73027');

  async function show(code) {
    panel.hidden = false;
    gm.placePanel(panel);
    state.code = code;
    state.error = null;
    panel.innerHTML = '<h3>三级平台 Dashboard</h3><p>…</p>';
    let v;
    try {
      v = await api.dashboard(code);
    } catch (e) {
      state.error = e.message;
      panel.innerHTML = '<h3>三级平台 Dashboard</h3><p class="error">' + esc(e.message) + '</p>';
      return;
    }
    state.view = v;
    const t = v.total;
    const path = v.chain.map((c) => `<a href="#" data-code="${esc(c.code)}">${esc(c.name)}</a>`).join(' › ');
    panel.innerHTML = `<h3>三级平台 · ${esc(v.name)} <span class="code">${esc(v.code)}</span></h3>`
      + `<div class="path">${path}${path ? ' › ' : ''}<b>${esc(v.name)}</b></div>`
      + `<p class="period">${esc(v.from)} – ${esc(v.to)} · 预警 ${esc(v.warningDate)}</p>`
      + '<div class="figures">'
      + figure('事件', n(t.events && t.events.reported), '按期结案 ' + pct(t.eventRates && t.eventRates.closedOnTimeRate))
      + figure('预警', n(t.warnings.count), '当日')
      + figure('矛盾纠纷', n(t.disputes.received), '调解成功 ' + pct(t.disputes.successRate) + ' · 超期 ' + n(t.disputes.overdue))
      + (t.care ? figure('特殊人群', n(t.care.people), '走访逾期 ' + n(t.care.overdue)) : '')
      + figure('三官一律', n(t.sanguan.activities), '有成员网格 ' + n(t.sanguan.gridsWithMembers))
      + figure('网格', n(t.staff.grids), '缺网格员 ' + n(t.staff.gridsWithoutWorker))
      + '</div>'
      + '<table class="children"><thead><tr><th>' + esc({ district: '区县', street: '街道', community: '社区', grid: '网格' }[v.childLevel])
      + '</th><th>事件</th><th>按期</th><th>预警</th><th>纠纷</th><th>成功率</th><th>走访逾期</th><th>三官一律</th><th>缺员</th></tr></thead><tbody>'
      + v.children.map((c) => `<tr data-code="${esc(c.code)}"${v.childLevel === 'grid' ? '' : ' class="drill"'}><td>${esc(c.name)}</td>`
        + `<td>${n(c.events && c.events.reported)}</td><td>${pct(c.eventRates && c.eventRates.closedOnTimeRate)}</td>`
        + `<td>${c.warnings.count || ''}</td><td>${n(c.disputes && c.disputes.received)}</td><td>${pct(c.disputes && c.disputes.successRate)}</td>`
        + `<td>${c.care ? n(c.care.overdue) : '—'}</td><td>${n(c.sanguan.activities)}</td><td>${c.staff.gridsWithoutWorker || ''}</td></tr>`).join('')
      + '</tbody></table>'
      + (t.warnings.top.length ? '<h4>预警 Warnings</h4><ul class="warnings">' + t.warnings.top.map((w) => `<li>${esc(w.name)} · ${esc(w.className)}: `
        + `${w.observed} / 期望 ${w.expected.toFixed(1)} (p=${w.p.toExponential(1)}, ${esc(w.method)})</li>`).join('') + '</ul>' : '');
    panel.querySelectorAll('.path a').forEach((a) => a.addEventListener('click', (ev) => { ev.preventDefault(); drill(a.dataset.code); }));
    panel.querySelectorAll('tr.drill').forEach((tr) => tr.addEventListener('click', () => drill(tr.dataset.code)));
    panel.insertAdjacentHTML('beforeend', '<h4>矛盾纠纷 Disputes <small>统一受理、分流交办、反馈考评</small></h4><div class="disputes">…</div>');
    await Promise.all([draw(v), disputes(code)]);
  }

  // the region's newest disputes, with the steps the centre may take now: escalate a failed mediation, record the
  // follow-up call's satisfaction (回访考评)
  const DSTATES = { routed: '已分流', accepted: '调解中', resolved: '调解成功', failed: '调解不成', evaluated: '已回访' };
  const DACTIONS = { accept: '受理', resolve: '调解成功', fail: '调解不成', escalate: '升级 Escalate', evaluate: '回访 Evaluate' };
  async function disputes(code) {
    const box = panel.querySelector('.disputes');
    try {
      state.disputes = await api.disputes(code);
    } catch (e) {
      state.error = e.message;
      box.textContent = e.message;
      return;
    }
    const due = (d) => !d.closedAt && new Date(d.dueAt) < new Date();
    box.innerHTML = state.disputes.length ? '<ul>' + state.disputes.map((d) => `<li data-id="${d.id}" class="${due(d) ? 'overdue' : ''}">`
      + `<b>${esc(d.typeName)}</b> <span class="code">${esc(d.code)}</span> · ${esc(DSTATES[d.state] || d.state)} · ${esc(d.routedTo.name)}`
      + `<br><small>${esc({ simple: '简单', general: '一般', complex: '复杂' }[d.tier])} · 限 ${esc(d.dueAt.substring(0, 16).replace('T', ' '))}`
      + `${due(d) ? ' · 超期' : ''}${d.satisfaction ? ' · 满意度 ' + d.satisfaction : ''}${d.escalations ? ' · 升级 ' + d.escalations : ''}</small>`
      + d.actions.filter((a) => a === 'escalate' || a === 'evaluate').map((a) => (a === 'evaluate'
        ? ` <select class="satisfaction">${[5, 4, 3, 2, 1].map((x) => `<option>${x}</option>`).join('')}</select>` : '')
        + ` <button type="button" class="dact" data-action="${a}">${esc(DACTIONS[a])}</button>`).join('') + '</li>').join('') + '</ul>'
      : '<p>— 无 none —</p>';
    box.querySelectorAll('.dact').forEach((b) => b.addEventListener('click', async () => {
      const li = b.closest('li');
      const body = { action: b.dataset.action };
      if (body.action === 'evaluate') body.satisfaction = Number(li.querySelector('.satisfaction').value);
      try {
        state.acted = await api.disputeAction(li.dataset.id, body);
      } catch (e) {
        state.error = e.message;
      }
      await disputes(code);
    }));
  }

  function figure(label, value, note) {
    return `<div class="figure"><b>${esc(value)}</b><span>${esc(label)}</span><small>${esc(note)}</small></div>`;
  }

  async function drill(code) {
    await show(code);
  }

  // the children on the map, shaded; the map fits them
  async function draw(v) {
    layer.clearLayers();
    state.drawn = [];
    const features = await Promise.all(v.children.map((c) => api.regionGeometry(c.code).catch(() => null)));
    const bounds = L.latLngBounds([]);
    features.forEach((f, i) => {
      if (!f) return;
      const c = v.children[i];
      const rate = c.eventRates && c.eventRates.closedOnTimeRate;
      const g = L.geoJSON(f, { style: { color: '#333', weight: 1.5, fillColor: shade(rate), fillOpacity: 0.45 } })
        .bindTooltip(`${c.name} · 按期结案 ${pct(rate)} · 纠纷 ${n(c.disputes && c.disputes.received)}`, { sticky: true });
      if (v.childLevel !== 'grid') g.on('click', () => drill(c.code));
      g.addTo(layer);
      bounds.extend(g.getBounds());
      state.drawn.push(c.code);
    });
    // the panel covers the map's left: fit the children into what stays visible
    const right = panel.getBoundingClientRect().right;
    if (bounds.isValid()) map.fitBounds(bounds, { paddingTopLeft: [right + 20, 20], paddingBottomRight: [20, 20], animate: false });
  }

  state.show = show;
}());
