// The events loop in the browser: events coloured by state (a dark ring when overdue), the dispatcher's console (the
// queues 新事件, 边界待确认, 超期, 重派 beside the map) and the grid worker's or department's own events, nearest to the
// map's centre first; an event's card shows its place in the loop, its log, and the actions the caller may take now.
(function () {
  const api = window.gridmapApi;
  const gm = window.gridmap;
  const auth = window.gridmapAuth;
  const map = gm.map;
  const esc = gm.esc;

  const STATES = {
    reported: ['采集', '#e31a1c'], adjudication: ['边界待确认', '#ff7f00'], registered: ['立案', '#fb9a99'],
    dispatched: ['派遣', '#fdbf6f'], handling: ['处置中', '#ffd92f'], handled: ['已反馈', '#b2df8a'], verified: ['已核查', '#33a02c'],
    closed: ['结案', '#969696'], evaluated: ['已评价', '#636363'], returned: ['回退', '#cab2d6'], rework: ['返工', '#6a3d9a'],
    suspended: ['挂账', '#1f78b4'], extended: ['延期', '#a6cee3'], voided: ['作废', '#d9d9d9'],
  };
  const ACTIONS = {
    register: '立案 Register', adjudicate: '确认网格 Adjudicate', dispatch: '派遣 Dispatch', accept: '签收 Accept', handle: '处置反馈 Handled',
    verify: '核查 Verify', close: '结案 Close', evaluate: '评价 Evaluate', return: '回退 Return', suspend: '挂账 Suspend',
    extend: '延期 Extend', void: '作废 Void', arrive: '到场 On site', escalate: '督办 Escalated', report: '上报 Reported',
  };
  // actions taken on site with the phone's position (/m/), not at a desk
  const PHONE_ONLY = ['arrive'];
  const QUEUES = [['new', '新事件 New'], ['adjudication', '边界待确认 Boundary'], ['overdue', '超期 Overdue'], ['redispatch', '重派 Moved']];

  gm.eventStyle = (p) => {
    const s = STATES[p.state] || ['', '#d7301f'];
    return { radius: p.overdue ? 7 : 5, stroke: true, color: p.overdue ? '#67000d' : '#fff', weight: p.overdue ? 3 : 1, fill: true,
      fillColor: s[1], fillOpacity: 0.9 };
  };
  gm.redraw(gm.elementTiles);

  // what the tests (and a curious user) can read: the list shown, the open card, the last answer
  const state = { list: null, items: [], open: null, actions: [], error: null, done: [] };
  window.gridmapEvents = state;

  const panel = gm.sidePanel('events-panel', 'open-events', '事件 Events', () => show(), () => { panel.hidden = true; });

  function badge(s) {
    const x = STATES[s] || [s, '#ccc'];
    return `<span class="state" style="background:${x[1]}">${esc(x[0])}</span>`;
  }

  const when = (t) => (t ? esc(t.substring(0, 16).replace('T', ' ')) : '—');

  async function show(list) {
    panel.hidden = false;
    gm.placePanel(panel);
    const tabs = [];
    if (auth.dispatches()) QUEUES.forEach(([k, label]) => tabs.push([k, label]));
    if (auth.handlesEvents()) tabs.push(['mine', '我的事件 Mine']);
    state.list = list || state.list || (tabs.length ? tabs[0][0] : null);
    panel.innerHTML = '<h3>事件 Events</h3><div class="tabs">' + tabs.map(([k, label]) =>
      `<button type="button" class="tab ${k === state.list ? 'on' : ''}" data-list="${k}">${label}</button>`).join('')
      + '</div><div class="event-list">…</div><div class="event-card"></div>';
    panel.querySelectorAll('.tab').forEach((b) => b.addEventListener('click', () => show(b.dataset.list)));
    if (!state.list) {
      panel.querySelector('.event-list').textContent = '点击地图上的事件查看 Click an event on the map';
      return;
    }
    try {
      const c = map.getCenter();
      const page = state.list === 'mine' ? await api.myEvents(c.lng, c.lat) : await api.eventQueue(state.list);
      state.items = page.items;
      const el = panel.querySelector('.event-list');
      el.innerHTML = page.items.length ? '<ul>' + page.items.map((e) => `<li data-id="${e.id}" class="${e.overdue ? 'overdue' : ''}">`
        + `${badge(e.state)} <b>${esc(e.className)}</b> <span class="code">${esc(e.gridCode)}</span>`
        + (e.distanceMeters != null ? ` · ${Math.round(e.distanceMeters)} m` : '')
        + `<br><small>${esc((e.description || '').substring(0, 40))} · 限 ${when(e.dueAt)}${e.overdue ? ' · 超期' : ''}`
        + `${e.queueReason ? '<br>' + esc(e.queueReason) : ''}</small></li>`).join('') + '</ul>' : '<p>— 无 none —</p>';
      el.querySelectorAll('li').forEach((li) => li.addEventListener('click', () => openEvent(li.dataset.id, true)));
    } catch (err) {
      state.error = err.message;
      panel.querySelector('.event-list').textContent = err.message;
    }
    if (state.open) openEvent(state.open.id, false);
  }

  async function openEvent(id, fly) {
    if (panel.hidden) await show();
    const card = panel.querySelector('.event-card');
    try {
      const [e, log] = await Promise.all([api.event(id), api.eventLog(id).catch(() => [])]);
      state.open = e;
      state.actions = e.actions || [];
      if (fly) map.setView([e.lat, e.lon], Math.max(map.getZoom(), 17));
      const cands = e.state === 'adjudication' && e.candidates ? e.candidates : [];
      card.innerHTML = `<h4>${esc(e.className)} <span class="code">#${e.id}</span> ${badge(e.state)}${e.overdue ? ' <span class="late">超期 ×' + e.escalations + '</span>' : ''}</h4>`
        + `<p>${esc(e.description)}</p><table>`
        + `<tr><td>网格</td><td class="code">${esc(e.gridCode)}</td></tr>`
        + `<tr><td>网格员</td><td>${esc(e.assignee || '—')}</td></tr>`
        + `<tr><td>部门</td><td>${esc(e.departmentCode || '网格员处置')}</td></tr>`
        + `<tr><td>来源</td><td>${esc(e.source)} · ${when(e.reportedAt)}</td></tr>`
        + `<tr><td>时限</td><td>${when(e.dueAt)}</td></tr>`
        + (e.callerPhone ? `<tr><td>来电人</td><td>${esc(e.callerName || '')} ${esc(e.callerPhone)}</td></tr>` : '')
        + (e.queueReason ? `<tr><td>待办原因</td><td>${esc(e.queueReason)}</td></tr>` : '')
        + '</table>'
        + (state.actions.length ? '<div class="event-actions"><textarea class="note" rows="2" placeholder="意见 / 备注 note"></textarea>'
          + (state.actions.includes('extend') ? '<label>延期工作日 <input class="days" type="number" min="1" max="60" value="2"></label>' : '')
          + (state.actions.includes('evaluate') ? '<label>评价 <select class="satisfaction"><option value="satisfied">满意</option>'
            + '<option value="basic">基本满意</option><option value="unsatisfied">不满意</option></select></label>' : '')
          + cands.map((g) => `<button type="button" class="act" data-action="adjudicate" data-grid="${esc(g)}">归属 ${esc(g)}</button>`).join('')
          + state.actions.filter((a) => a !== 'adjudicate' && !PHONE_ONLY.includes(a)).map((a) => (a === 'verify'
            ? '<button type="button" class="act" data-action="verify" data-passed="true">核查通过 Passed</button>'
              + '<button type="button" class="act" data-action="verify" data-passed="false">核查不通过 Rework</button>'
            : `<button type="button" class="act" data-action="${a}">${ACTIONS[a] || a}</button>`)).join('')
          + '<div class="action-error"></div></div>' : '')
        + '<h5>过程 Log</h5><ol class="event-log">' + log.map((l) => `<li>${when(l.at)} <b>${esc(ACTIONS[l.action] || l.action)}</b> `
          + `${esc(l.actor)} (${esc(l.role)}) → ${badge(l.toState)}${l.note ? '<br><small>' + esc(l.note) + '</small>' : ''}</li>`).join('') + '</ol>';
      card.querySelectorAll('.act').forEach((b) => b.addEventListener('click', () => act(e.id, b.dataset)));
    } catch (err) {
      state.error = err.message;
      card.textContent = err.message;
    }
  }
  gm.openEvent = openEvent;

  async function act(id, data) {
    const card = panel.querySelector('.event-card');
    const note = card.querySelector('.note').value.trim();
    const body = { action: data.action };
    if (note) body.note = note;
    if (data.action === 'verify') body.passed = data.passed === 'true';
    if (data.action === 'adjudicate') body.gridCode = data.grid;
    if (data.action === 'evaluate') body.satisfaction = card.querySelector('.satisfaction').value;
    if (data.action === 'extend') body.workingDays = Number(card.querySelector('.days').value);
    try {
      const e = await api.transition(id, body);
      state.error = null;
      state.done.push(data.action);
      gm.setStatus(`#${id}: ${ACTIONS[data.action] || data.action} → ${(STATES[e.state] || [e.state])[0]}`);
      gm.redraw(gm.elementTiles);
      await show();
      await openEvent(id, false);
    } catch (err) {
      state.error = err.message;
      card.querySelector('.action-error').textContent = err.message;
    }
  }

  // the 办理 button of an event's popup on the map
  document.addEventListener('click', (ev) => {
    const b = ev.target.closest && ev.target.closest('.open-event');
    if (b) {
      map.closePopup();
      openEvent(b.dataset.id, false);
    }
  });
})();
