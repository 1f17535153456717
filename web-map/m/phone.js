// The grid worker's phone (/m/): my events nearest first from where I am, my grids on a map, the loop's actions with a
// note and a photo, reporting at my position in three taps, and patrols with their track. Every write goes through a
// queue kept in localStorage: sent at once when the network is there, kept and sent in order when it comes back.
// Each queued write carries its own key (clientId), so a write sent twice — the answer lost on a bad connection — is
// recognised by the service and done once.
(function () {
  const SESSION = 'gridmap.m.session';
  const CLASS_SHORTLIST = ['0102', '0104', '0502', '0505', '0201', '0403', '0601', '0602'];
  const ACTIONS = { accept: '签收', arrive: '到场', handle: '处置反馈', verify: '核查', return: '回退' };
  const STATES = { reported: '待立案', adjudication: '边界待确认', registered: '已立案', dispatched: '待签收', handling: '处置中',
    handled: '待核查', verified: '已核查', closed: '已结案', evaluated: '已评价', returned: '已回退', rework: '返工', suspended: '挂账',
    extended: '已延期', voided: '已作废' };

  // window.gridmapPhone is the page's state (the browser tests read it)
  const state = {
    ready: false, me: null, position: null, origin: null, items: [], open: null, grids: null, classes: [],
    queue: [], results: {}, failed: [], sent: 0, online: navigator.onLine, patrol: null, error: null,
    config: { sampleMs: 10000, batchMs: 30000, batchPoints: 20, retryMs: 5000, photoMaxPx: 1600 },
  };
  window.gridmapPhone = state;
  const headers = {};
  let session = null;
  let map = null;
  let layers = null;

  const $ = (sel) => document.querySelector(sel);
  const esc = (s) => String(s == null ? '' : s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  const uuid = () => (crypto.randomUUID ? crypto.randomUUID()
    : 'q' + Date.now().toString(36) + Math.random().toString(36).slice(2, 12));
  // the phone's time with its offset, to the millisecond (track points are keyed by their time)
  const iso = (d) => {
    const p = (n) => String(n).padStart(2, '0');
    const off = -d.getTimezoneOffset();
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes()) + ':'
      + p(d.getSeconds()) + '.' + String(d.getMilliseconds()).padStart(3, '0') + (off >= 0 ? '+' : '-') + p(Math.floor(Math.abs(off) / 60)) + ':' + p(Math.abs(off) % 60);
  };

  // ---------------------------------------------------------------- session
  function saveSession(s) {
    session = s;
    headers.Authorization = 'Bearer ' + s.access;
    localStorage.setItem(SESSION, JSON.stringify(s));
  }

  async function token(form) {
    const r = await fetch('../api/auth/token', { method: 'POST', body: new URLSearchParams(form),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error_description || body.message || (r.status + ' ' + r.statusText));
    return { access: body.access_token, refresh: body.refresh_token, expires: Date.now() + body.expires_in * 1000 };
  }

  async function renew() {
    if (!session || !session.refresh) throw new Error('no session');
    saveSession(await token({ grant_type: 'refresh_token', refresh_token: session.refresh }));
  }

  async function api(method, path, body, type) {
    if (session && session.expires - Date.now() < 60000) await renew().catch(() => {});
    const opts = { method, headers: Object.assign({}, headers) };
    if (body !== undefined) {
      opts.body = type ? body : JSON.stringify(body);
      opts.headers['Content-Type'] = type || 'application/json';
    }
    let r = await fetch('../' + path, opts);
    if (r.status === 401 && session && session.refresh) {
      await renew();
      opts.headers.Authorization = headers.Authorization;
      r = await fetch('../' + path, opts);
    }
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = { message: text }; }
    return { status: r.status, ok: r.ok, body: json };
  }

  async function read(path) {
    const r = await api('GET', path);
    if (!r.ok) throw new Error((r.body && r.body.message) || r.status);
    return r.body;
  }

  // ---------------------------------------------------------------- the queue of writes
  // An item: {qid, label, method, path, body?, photo?: {dataUrl, lon, lat}, pathFrom?: {qid, field}, attachmentFrom?: qid}
  function queueKey() { return 'gridmap.m.queue.' + state.me.username; }

  function loadQueue() {
    const saved = JSON.parse(localStorage.getItem(queueKey()) || '{}');
    state.queue = saved.queue || [];
    state.results = saved.results || {};
  }

  function saveQueue() {
    // results are kept while a queued item still refers to them
    const needed = new Set();
    state.queue.forEach((q) => { if (q.pathFrom) needed.add(q.pathFrom.qid); if (q.attachmentFrom) needed.add(q.attachmentFrom); });
    if (state.patrol && state.patrol.qid) needed.add(state.patrol.qid);
    Object.keys(state.results).forEach((k) => { if (!needed.has(k)) delete state.results[k]; });
    localStorage.setItem(queueKey(), JSON.stringify({ queue: state.queue, results: state.results }));
    renderPending();
  }

  function enqueue(item) {
    item.qid = item.qid || uuid();
    state.queue.push(item);
    saveQueue();
    flush();
    return item.qid;
  }

  function dataUrlBlob(url) {
    const [head, b64] = url.split(',');
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Blob([bytes], { type: head.slice(5).split(';')[0] });
  }

  async function sendItem(q) {
    if (q.photo) {
      return api('POST', 'api/files?lon=' + q.photo.lon + '&lat=' + q.photo.lat, dataUrlBlob(q.photo.dataUrl), 'image/jpeg');
    }
    let path = q.path;
    if (q.pathFrom) {
      const r = state.results[q.pathFrom.qid];
      if (!r) return { status: 424, ok: false, body: { message: '前一步未成功：' + q.label } };
      path = path.replace('{id}', r[q.pathFrom.field]);
    }
    const body = q.body ? Object.assign({}, q.body) : undefined;
    if (q.attachmentFrom) {
      const r = state.results[q.attachmentFrom];
      if (r) body.attachment = r.ref;
    }
    return api(q.method, path, body);
  }

  let flushing = false;
  let retry = null;
  async function flush() {
    if (flushing || !state.me) return;
    flushing = true;
    clearTimeout(retry);
    try {
      while (state.queue.length) {
        const q = state.queue[0];
        let r;
        try {
          r = await sendItem(q);
        } catch (e) { // no network: keep it, try again later
          setOnline(false);
          break;
        }
        setOnline(true);
        if (r.status >= 500 || r.status === 401 || r.status === 429) break; // the service's trouble, not the item's: later
        state.queue.shift();
        if (r.ok) {
          state.results[q.qid] = r.body;
          state.sent++;
          done(q, r.body);
        } else {
          state.failed.push({ label: q.label, status: r.status, message: (r.body && r.body.message) || String(r.status) });
          renderFailed();
        }
        saveQueue();
      }
    } finally {
      flushing = false;
      if (state.queue.length) retry = setTimeout(flush, state.config.retryMs);
      renderPending();
    }
  }

  // what the page does when a queued write has gone through
  function done(q, body) {
    if (q.kind === 'patrol-start' && state.patrol && state.patrol.qid === q.qid) state.patrol.id = body.id;
    if (q.kind === 'patrol-stop') loadGrids();
    if (q.kind === 'transition' && state.open && state.open.id === body.id) { state.open = body; renderSheet(); }
    if (q.kind === 'transition' || q.kind === 'report') loadEvents();
    if (q.kind === 'dispute') disputeDone(body);
    if (q.kind === 'visit') { state.visited = (state.visited || []).concat(body.personId); loadCare(); }
  }

  function setOnline(on) {
    state.online = on;
    const n = $('#net');
    n.className = on ? 'online' : 'offline';
    n.textContent = on ? '在线' : '离线';
  }

  function renderPending() {
    const p = $('#pending');
    p.hidden = state.queue.length === 0;
    p.textContent = '待发送 ' + state.queue.length;
  }

  function renderFailed() {
    const box = $('#failed');
    box.hidden = state.failed.length === 0;
    box.querySelector('ul').innerHTML = state.failed.map((f) => '<li>' + esc(f.label) + '：' + esc(f.message) + '</li>').join('');
  }

  // ---------------------------------------------------------------- where I am
  function locate() {
    return new Promise((resolve) => {
      if (!navigator.geolocation) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(
        (p) => resolve({ lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy }),
        () => resolve(null), { enableHighAccuracy: true, timeout: 8000, maximumAge: 0 });
    });
  }

  async function position() {
    const p = await locate();
    if (p) {
      state.position = p;
      state.origin = 'gps';
    } else {
      const g = state.grids && state.grids.features.find((f) => f.properties.level === 'grid');
      state.position = g ? { lon: g.properties.centre[0], lat: g.properties.centre[1], accuracy: null } : null;
      state.origin = g ? 'grid' : null;
    }
    $('#origin').textContent = state.origin === 'gps' ? '按距我的位置排序（定位 ±' + Math.round(state.position.accuracy || 0) + ' 米）'
      : state.origin === 'grid' ? '未获得定位：按距网格中心排序' : '未获得定位';
    if (map && state.position) drawMe();
    return state.position;
  }

  const COMPASS = ['北', '东北', '东', '东南', '南', '西南', '西', '西北'];
  function direction(deg) { return deg == null ? '' : COMPASS[Math.round(((deg % 360) + 360) % 360 / 45) % 8]; }
  function distance(m) { return m == null ? '' : m < 1000 ? Math.round(m) + ' 米' : (m / 1000).toFixed(1) + ' 公里'; }
  function timeLeft(due) {
    if (!due) return { text: '', late: false };
    const ms = Date.parse(due) - Date.now();
    const abs = Math.abs(ms);
    const d = Math.floor(abs / 86400000);
    const h = Math.floor((abs % 86400000) / 3600000);
    const m = Math.floor((abs % 3600000) / 60000);
    const span = d > 0 ? d + ' 天 ' + h + ' 小时' : h > 0 ? h + ' 小时 ' + m + ' 分' : m + ' 分';
    return { text: (ms < 0 ? '超时 ' : '剩 ') + span, late: ms < 0 };
  }

  // ---------------------------------------------------------------- my events
  async function loadEvents() {
    if (state.volunteer) { // a volunteer's list is her tips and where each is in the loop
      state.items = (await read('api/me/tips?limit=100').catch(() => ({ items: [] }))).items;
      renderEvents();
      return;
    }
    const near = state.position ? '&near=' + state.position.lon.toFixed(6) + ',' + state.position.lat.toFixed(6) : '';
    try {
      const r = await read('api/me/events?limit=200' + near);
      state.items = r.items;
      renderEvents();
      if (map) drawEvents();
    } catch (e) {
      state.error = String(e.message || e);
    }
  }

  function renderEvents() {
    const ul = $('#event-list');
    ul.innerHTML = state.items.map((e) => {
      const left = timeLeft(e.dueAt);
      return '<li data-id="' + e.id + '"><span class="cls">' + esc(e.className) + '<span class="state">' + esc(STATES[e.state] || e.state)
        + '</span></span><span class="dist">' + esc(direction(e.bearingDegrees)) + ' ' + esc(distance(e.distanceMeters)) + '</span>'
        + '<span class="addr">' + esc(e.address || e.description) + '</span><span class="left' + (left.late ? ' late' : '') + '">'
        + esc(left.text) + '</span></li>';
    }).join('');
    $('#no-events').hidden = state.items.length > 0;
    if (!state.volunteer) ul.querySelectorAll('li').forEach((li) => { li.onclick = () => openEvent(Number(li.dataset.id)); });
  }

  async function openEvent(id) {
    try {
      state.open = await read('api/events/' + id);
      state.openMessage = null;
      renderSheet();
    } catch (e) {
      state.error = String(e.message || e);
    }
  }

  function sheet(html, onClose) {
    const s = $('#sheet');
    const content = s.querySelector('.content');
    content.innerHTML = html;
    content.photo = null; // a picture belongs to the card it was taken on
    s.hidden = false;
    s.querySelector('.close').onclick = () => { s.hidden = true; state.open = null; if (onClose) onClose(); };
    return content;
  }

  function photoField() {
    return '<label class="photo">照片 <input type="file" accept="image/jpeg,image/png" capture="environment"></label><img class="thumb" hidden>';
  }

  function renderSheet() {
    const e = state.open;
    if (!e) return;
    const left = timeLeft(e.dueAt);
    const acts = (e.actions || []).filter((a) => ACTIONS[a]);
    const buttons = acts.map((a) => a === 'verify'
      ? '<button type="button" class="act" data-action="verify" data-passed="true">核查通过</button>'
        + '<button type="button" class="act danger" data-action="verify" data-passed="false">未通过，返工</button>'
      : '<button type="button" class="act' + (a === 'return' ? ' secondary' : '') + '" data-action="' + a + '">' + ACTIONS[a] + '</button>').join('');
    const box = sheet('<h2>' + esc(e.className) + '<span class="state">' + esc(STATES[e.state] || e.state) + '</span></h2>'
      + '<p class="meta">' + esc(e.address || '') + '</p><p class="meta">' + esc(e.description) + '</p>'
      + '<p class="meta">网格 ' + esc(e.gridCode) + (left.text ? ' · ' + esc(left.text) : '') + '</p>'
      + (acts.length ? '<textarea class="note" placeholder="处置情况（处置反馈、回退必填）"></textarea>' + photoField() : '')
      + '<div class="actions">' + buttons + '</div>'
      + (state.openMessage ? '<p class="msg">' + esc(state.openMessage) + '</p>' : ''));
    wirePhoto(box);
    box.querySelectorAll('.act').forEach((b) => { b.onclick = () => act(e, b.dataset.action, b.dataset.passed, box); });
  }

  function wirePhoto(box) {
    const input = box.querySelector('input[type=file]');
    if (!input) return;
    input.onchange = async () => {
      const f = input.files[0];
      if (!f) return;
      box.photo = await shrink(f);
      const img = box.querySelector('.thumb');
      img.src = box.photo;
      img.hidden = false;
    };
  }

  // a photo goes as a JPEG of at most photoMaxPx on its longer side
  function shrink(file) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => {
        const k = Math.min(1, state.config.photoMaxPx / Math.max(img.width, img.height));
        const c = document.createElement('canvas');
        c.width = Math.round(img.width * k);
        c.height = Math.round(img.height * k);
        c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
        URL.revokeObjectURL(img.src);
        resolve(c.toDataURL('image/jpeg', 0.8));
      };
      img.onerror = () => reject(new Error('不是图片'));
      img.src = URL.createObjectURL(file);
    });
  }

  async function act(e, action, passed, box) {
    const note = box.querySelector('.note') ? box.querySelector('.note').value.trim() : '';
    if ((action === 'handle' || action === 'return') && !note) {
      box.querySelector('.note').focus();
      box.querySelector('.note').placeholder = '请先填写处置情况';
      return;
    }
    const body = { action, clientId: uuid() };
    if (note) body.note = note;
    if (action === 'verify') body.passed = passed === 'true';
    if (action === 'arrive') {
      const p = (await locate()) || state.position;
      if (p) { body.lon = p.lon; body.lat = p.lat; if (p.accuracy != null) body.accuracyMeters = Math.round(p.accuracy); }
    }
    let photoQid = null;
    if (box.photo) {
      const where = state.position || { lon: e.lon, lat: e.lat };
      photoQid = enqueue({ kind: 'photo', label: '照片（事件 ' + e.id + '）', photo: { dataUrl: box.photo, lon: where.lon, lat: where.lat } });
    }
    enqueue({ kind: 'transition', label: ACTIONS[action] + '（事件 ' + e.id + '）', method: 'POST', path: 'api/events/' + e.id + '/transitions',
      body, attachmentFrom: photoQid });
    state.openMessage = state.online ? '已提交：' + ACTIONS[action] : '离线：' + ACTIONS[action] + ' 已保存，联网后自动发送';
    if (!state.online) renderSheet();
  }

  // ---------------------------------------------------------------- report at my position: 上报 → a class → 提交
  function renderClasses() {
    const byCode = Object.fromEntries(state.classes.map((c) => [c.code, c]));
    const shown = CLASS_SHORTLIST.filter((c) => byCode[c]).map((c) => byCode[c]);
    $('#class-grid').innerHTML = shown.map((c) => '<button type="button" data-code="' + c.code + '">' + esc(c.name) + '</button>').join('');
    $('#class-grid').querySelectorAll('button').forEach((b) => { b.onclick = () => confirmReport(byCode[b.dataset.code]); });
  }

  async function confirmReport(c) {
    const p = (await locate()) || state.position;
    const box = sheet('<h2>上报：' + esc(c.name) + '</h2><p class="meta">' + (p ? '位置 ' + p.lon.toFixed(5) + ', ' + p.lat.toFixed(5)
      + (p.accuracy ? '（±' + Math.round(p.accuracy) + ' 米）' : '（网格中心）') : '没有位置') + '</p>'
      + '<textarea class="note" placeholder="补充说明（可不填）"></textarea>' + photoField()
      + '<div class="actions"><button type="button" class="act" data-action="report">提交</button></div>');
    wirePhoto(box);
    box.querySelector('.act').onclick = () => {
      if (!p) return;
      const note = box.querySelector('.note').value.trim();
      const body = { classCode: c.code, lon: Number(p.lon.toFixed(7)), lat: Number(p.lat.toFixed(7)), clientId: uuid() };
      if (state.volunteer) { // 平安志愿者: a tip, of source volunteer
        body.text = note || c.name + '（志愿者线索）';
      } else {
        body.source = 'patrol';
        body.description = note || c.name + '（网格员现场上报）';
      }
      if (p.accuracy) body.accuracyMeters = Math.round(p.accuracy);
      let photoQid = null;
      if (box.photo) photoQid = enqueue({ kind: 'photo', label: '照片（上报 ' + c.name + '）', photo: { dataUrl: box.photo, lon: p.lon, lat: p.lat } });
      enqueue({ kind: 'report', label: (state.volunteer ? '线索 ' : '上报 ') + c.name, method: 'POST', path: state.volunteer ? 'api/tips' : 'api/events',
        body, attachmentFrom: photoQid });
      box.innerHTML = '<h2>' + esc(c.name) + '</h2><p class="msg">' + (state.online ? '已上报' : '离线：已保存，联网后自动发送') + '</p>';
    };
  }

  // ---------------------------------------------------------------- 矛盾纠纷受理: received here, routed by the service
  const DISPUTE_STATES = { routed: '已分流', accepted: '调解中', resolved: '调解成功', failed: '调解不成', evaluated: '已回访' };

  async function renderDisputeForm() {
    const types = await read('api/dispute-types').catch(() => null);
    if (!types || state.volunteer) { $('#dispute-card').hidden = true; return; }
    $('#dispute-type').innerHTML = types.map((t) => '<option value="' + esc(t.code) + '">' + esc(t.name) + '</option>').join('');
    $('#dispute-form').onsubmit = async (ev) => {
      ev.preventDefault();
      const f = ev.target;
      const p = (await locate()) || state.position;
      if (!p) { $('#dispute-result').textContent = '没有位置'; return; }
      const parties = [{ name: f.name1.value.trim() }];
      if (f.phone1.value.trim()) parties[0].phone = f.phone1.value.trim();
      if (f.name2.value.trim()) parties.push({ name: f.name2.value.trim() });
      const body = { type: f.type.value, description: f.description.value.trim(), lon: Number(p.lon.toFixed(7)), lat: Number(p.lat.toFixed(7)),
        parties, clientId: uuid() };
      if (f.amount.value !== '') body.amount = Number(f.amount.value);
      enqueue({ kind: 'dispute', label: '纠纷 ' + f.type.selectedOptions[0].textContent, method: 'POST', path: 'api/disputes', body });
      $('#dispute-result').textContent = state.online ? '提交中…' : '离线：已保存，联网后自动发送';
      f.reset();
    };
  }

  function disputeDone(d) {
    state.dispute = d;
    $('#dispute-result').innerHTML = '已受理 ' + esc(d.code) + '：' + esc(DISPUTE_STATES[d.state] || d.state) + '至 <b>' + esc(d.routedTo.name)
      + '</b>（' + esc({ simple: '简单', general: '一般', complex: '复杂' }[d.tier]) + '，' + d.limitDays + ' 个工作日内，限 '
      + esc(d.dueAt.substring(0, 16).replace('T', ' ')) + '）';
  }

  // ---------------------------------------------------------------- 特殊人群走访: the visits due and overdue in my grids
  const TAGS = { elderly_alone: '空巢独居老人', left_behind_child: '留守儿童', disabled: '残疾人', released_prisoner: '刑满释放人员',
    community_correction: '社区矫正对象', mental_disorder: '严重精神障碍患者', drug_user: '吸毒人员', key_youth: '重点青少年' };

  async function loadCare() {
    try {
      state.care = await read('api/care/due?limit=200');
    } catch (e) {
      state.care = null;
      $('#care-counts').textContent = '无法读取：' + e.message;
      return;
    }
    renderCare();
  }

  function renderCare() {
    const c = state.care;
    $('#care-counts').textContent = '逾期 ' + c.counts.overdue + ' 人 · 七日内到期 ' + c.counts.due + ' 人 · 正常 ' + c.counts.ok + ' 人';
    $('#care-list').innerHTML = c.people.map((p) => '<li data-id="' + p.personId + '" class="' + p.state + '"><b>' + esc(p.name) + '</b> '
      + p.tags.map((t) => '<span class="tag">' + esc(TAGS[t] || t) + '</span>').join(' ')
      + '<br><small>' + esc(p.address) + '</small><br><small>' + (p.state === 'overdue' ? '逾期 ' + p.daysOverdue + ' 天' : '到期 ' + esc(p.dueAt))
      + ' · 每 ' + p.everyDays + ' 天 · 上次 ' + (p.lastVisitAt ? esc(p.lastVisitAt.substring(0, 10)) : '未走访') + '</small>'
      + '<button type="button" class="visit">已走访</button></li>').join('') || '<li class="hint">暂无到期走访</li>';
    $('#care-list').querySelectorAll('button.visit').forEach((b) => {
      b.onclick = async () => {
        const li = b.closest('li');
        const p = (await locate()) || state.position;
        const body = { personId: Number(li.dataset.id), kind: 'home', clientId: uuid() };
        if (p && p.accuracy) { body.lon = Number(p.lon.toFixed(7)); body.lat = Number(p.lat.toFixed(7)); }
        enqueue({ kind: 'visit', label: '走访 ' + li.querySelector('b').textContent, method: 'POST', path: 'api/care/visits', body });
        b.disabled = true;
        b.textContent = state.online ? '已记录' : '离线：待发送';
      };
    });
  }

  // ---------------------------------------------------------------- patrol
  function patrolKey() { return 'gridmap.m.patrol.' + state.me.username; }

  function startPatrol() {
    const p = state.position;
    if (!p) return;
    const qid = uuid();
    state.patrol = { qid, id: null, startedAt: Date.now(), buffer: [], sent: 0 };
    localStorage.setItem(patrolKey(), JSON.stringify(state.patrol));
    enqueue({ qid, kind: 'patrol-start', label: '开始巡查', method: 'POST', path: 'api/patrols',
      body: { clientId: qid, lon: p.lon, lat: p.lat, at: iso(new Date()), accuracyMeters: p.accuracy == null ? undefined : p.accuracy } });
    schedulePatrol();
    renderPatrol();
  }

  function flushTrack() {
    const t = state.patrol;
    if (!t || !t.buffer.length) return;
    const points = t.buffer.splice(0, t.buffer.length);
    t.sent += points.length;
    localStorage.setItem(patrolKey(), JSON.stringify(t));
    enqueue({ kind: 'patrol-points', label: '巡查轨迹 ' + points.length + ' 点', method: 'POST', path: 'api/patrols/{id}/points',
      pathFrom: { qid: t.qid, field: 'id' }, body: { points } });
  }

  function stopPatrol() {
    const t = state.patrol;
    if (!t) return;
    flushTrack();
    enqueue({ kind: 'patrol-stop', label: '结束巡查', method: 'POST', path: 'api/patrols/{id}/stop', pathFrom: { qid: t.qid, field: 'id' },
      body: { at: iso(new Date()) } });
    state.patrol = null;
    localStorage.removeItem(patrolKey());
    clearInterval(state.sampler);
    clearInterval(state.batcher);
    renderPatrol();
  }

  async function sample() {
    const t = state.patrol;
    if (!t) return;
    const p = await locate();
    if (!p || !state.patrol) return;
    state.position = p;
    state.origin = 'gps';
    const last = t.buffer[t.buffer.length - 1];
    if (last && last.lon === p.lon && last.lat === p.lat) return; // standing still
    t.buffer.push({ lon: p.lon, lat: p.lat, at: iso(new Date()), accuracyMeters: p.accuracy == null ? undefined : Math.min(5000, p.accuracy) });
    localStorage.setItem(patrolKey(), JSON.stringify(t));
    if (t.buffer.length >= state.config.batchPoints) flushTrack();
    if (map) drawMe();
    renderPatrol();
  }

  function schedulePatrol() {
    clearInterval(state.sampler);
    clearInterval(state.batcher);
    state.sampler = setInterval(sample, state.config.sampleMs);
    state.batcher = setInterval(flushTrack, state.config.batchMs);
  }

  function renderPatrol() {
    const t = state.patrol;
    const b = $('#patrol-toggle');
    b.textContent = t ? '结束巡查' : '开始巡查';
    b.classList.toggle('stop', !!t);
    $('#patrol-status').textContent = t ? '巡查中 · 已记录 ' + (t.sent + t.buffer.length) + ' 个轨迹点' : '未在巡查';
    const g = state.grids;
    if (g) {
      $('#patrol-week').textContent = '本周（' + g.weekFrom + ' 至 ' + g.weekTo + '）已走访微网格 ' + g.visited + ' / ' + g.microgrids;
      $('#microgrid-list').innerHTML = g.features.filter((f) => f.properties.level === 'microgrid').map((f) => {
        const p = f.properties;
        return '<li class="' + (p.visited ? 'visited' : '') + '" data-code="' + p.code + '"><span>' + esc(p.name) + '</span><span>'
          + (p.visited ? '已走访 ' + esc(p.lastVisitedAt.slice(5, 16).replace('T', ' ')) : '未走访') + '</span></li>';
      }).join('');
    }
  }

  async function loadGrids() {
    try {
      state.grids = await read('api/me/grids');
      renderPatrol();
      if (map) drawGrids();
    } catch (e) {
      state.error = String(e.message || e);
    }
  }

  // ---------------------------------------------------------------- map
  function ensureMap() {
    if (map) { map.invalidateSize(); return; }
    map = L.map('map', { zoomSnap: 0.5, minZoom: 8, maxZoom: 19 }).setView([32.1, 119.45], 12);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution('Water: GSHHG · Land: Natural Earth · grids derived');
    L.vectorGrid.protobuf('../tiles/land,water/{z}/{x}/{y}.mvt', {
      fetchOptions: { headers }, rendererFactory: L.canvas.tile, interactive: false, maxZoom: 19,
      vectorTileLayerStyles: {
        land: { stroke: true, color: '#c9c4b5', weight: 0.5, fill: true, fillColor: '#f4f1ea', fillOpacity: 1 },
        water: { stroke: true, color: '#7fa9d1', weight: 0.6, fill: true, fillColor: '#a9cbe8', fillOpacity: 1 },
      },
    }).addTo(map);
    layers = { grids: L.layerGroup().addTo(map), events: L.layerGroup().addTo(map), me: L.layerGroup().addTo(map) };
    drawGrids();
    drawEvents();
    drawMe();
  }

  function drawGrids() {
    if (!map || !state.grids) return;
    layers.grids.clearLayers();
    const gj = L.geoJSON(state.grids, {
      style: (f) => (f.properties.level === 'grid' ? { color: '#e31a1c', weight: 2.5, fill: false }
        : { color: '#ff7f00', weight: 1, fillColor: f.properties.visited ? '#4caf50' : '#9e9e9e', fillOpacity: f.properties.visited ? 0.35 : 0.12 }),
      onEachFeature: (f, l) => l.bindPopup(esc(f.properties.name) + (f.properties.level === 'microgrid'
        ? (f.properties.visited ? ' · 本周已走访' : ' · 本周未走访') : '')),
    }).addTo(layers.grids);
    if (!state.fitted && gj.getBounds().isValid()) { map.fitBounds(gj.getBounds(), { padding: [12, 12] }); state.fitted = true; }
  }

  function drawEvents() {
    if (!map) return;
    layers.events.clearLayers();
    state.items.forEach((e) => {
      const late = timeLeft(e.dueAt).late;
      L.circleMarker([e.lat, e.lon], { radius: 9, color: '#fff', weight: 2, fillColor: late ? '#c62828' : '#1f5fa8', fillOpacity: 1 })
        .on('click', () => openEvent(e.id)).addTo(layers.events);
    });
  }

  function drawMe() {
    if (!map || !state.position) return;
    layers.me.clearLayers();
    L.marker([state.position.lat, state.position.lon], { icon: L.divIcon({ className: '', html: '<div class="me-dot"></div>', iconSize: [20, 20] }),
      interactive: false }).addTo(layers.me);
  }

  // ---------------------------------------------------------------- tabs, start
  function showTab(name) {
    document.querySelectorAll('nav button').forEach((b) => b.classList.toggle('on', b.dataset.tab === name));
    document.querySelectorAll('.tab').forEach((t) => { t.hidden = t.id !== 'tab-' + name; });
    state.tab = name;
    if (name === 'map') ensureMap();
    if (name === 'events') position().then(loadEvents);
    if (name === 'care') loadCare();
  }

  async function enter() {
    const me = await read('api/me');
    state.me = me;
    $('#login').hidden = true;
    $('#app').hidden = false;
    state.volunteer = me.roles.includes('volunteer') && !me.roles.includes('gridworker');
    $('#who').textContent = (state.volunteer ? '平安志愿者 ' : '网格员 ') + me.username;
    if (state.volunteer) { // tips and her list of them: no patrol, no grids of her own
      document.querySelectorAll('nav button[data-tab="map"], nav button[data-tab="patrol"]').forEach((b) => { b.hidden = true; });
      document.querySelector('nav button[data-tab="events"]').textContent = '我的线索';
    }
    setOnline(navigator.onLine);
    loadQueue();
    renderPending();
    const saved = JSON.parse(localStorage.getItem(patrolKey()) || 'null');
    if (saved) { state.patrol = saved; schedulePatrol(); }
    document.querySelectorAll('nav button').forEach((b) => { b.onclick = () => showTab(b.dataset.tab); });
    $('#patrol-toggle').onclick = () => (state.patrol ? stopPatrol() : startPatrol());
    $('#logout').onclick = () => { localStorage.removeItem(SESSION); location.reload(); };
    window.addEventListener('online', () => { setOnline(true); flush(); });
    window.addEventListener('offline', () => setOnline(false));
    if (!state.volunteer) await loadGrids();
    state.classes = await read('api/event-classes').catch(() => []);
    renderClasses();
    await renderDisputeForm();
    // 特殊人群 are personal data: the tab is there for grid workers with the pii right
    $('nav button[data-tab="care"]').hidden = !(me.pii && me.roles.includes('gridworker'));
    await position();
    await loadEvents();
    flush();
    state.ready = true;
  }

  async function start() {
    const form = $('#login');
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      $('#login-error').textContent = '';
      try {
        saveSession(await token({ grant_type: 'password', username: form.username.value, password: form.password.value }));
        await enter();
      } catch (e) {
        $('#login-error').textContent = '登录失败：' + (e.message || e);
      }
    });
    const saved = JSON.parse(localStorage.getItem(SESSION) || 'null');
    if (saved) {
      try {
        saveSession(saved);
        if (saved.expires - Date.now() < 60000) await renew();
        await enter();
        return;
      } catch (e) {
        localStorage.removeItem(SESSION);
      }
    }
    form.hidden = false;
  }

  state.flush = flush;
  state.sample = sample;
  start();
}());
