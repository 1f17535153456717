// Login: the token endpoint's access token is kept in sessionStorage (gone when the tab closes), renewed with the refresh
// token a minute before it expires, and sent with every API call and tile request. The map's scripts load after login.
window.gridmapAuth = (function () {
  const KEY = 'gridmap.session';
  // one headers object shared with every tile layer's fetch: renewing the token updates it in place
  const headers = {};
  let session = null;
  let me = null;
  let timer = null;

  function save(s) {
    session = s;
    headers.Authorization = 'Bearer ' + s.access;
    sessionStorage.setItem(KEY, JSON.stringify(s));
    clearTimeout(timer);
    const wait = Math.max(5000, s.expires - Date.now() - 60000);
    if (s.refresh) timer = setTimeout(() => renew().catch(() => logout()), wait);
  }

  async function token(form) {
    const r = await fetch('api/auth/token', { method: 'POST', body: new URLSearchParams(form),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error_description || body.message || (r.status + ' ' + r.statusText));
    return { access: body.access_token, refresh: body.refresh_token, expires: Date.now() + body.expires_in * 1000 };
  }

  async function renew() {
    const s = await token({ grant_type: 'refresh_token', refresh_token: session.refresh });
    save(s);
  }

  async function whoAmI() {
    const r = await fetch('api/me', { headers });
    if (!r.ok) throw new Error(r.status === 401 ? 'session expired' : r.status + ' ' + r.statusText);
    me = await r.json();
    return me;
  }

  function logout() {
    sessionStorage.removeItem(KEY);
    fetch('api/auth/logout', { method: 'POST' }).finally(() => location.reload());
  }

  function loadScripts(srcs) {
    return srcs.reduce((p, src) => p.then(() => new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error('could not load ' + src));
      document.body.appendChild(s);
    })), Promise.resolve());
  }

  function showUser() {
    const box = document.getElementById('user');
    box.querySelector('.name').textContent = me.username + ' · ' + me.roles.join(', ')
      + (me.scope.includes('*') ? '' : ' · ' + me.scope.join(', '));
    box.hidden = false;
    document.getElementById('logout').onclick = logout;
  }

  async function enter() {
    await whoAmI();
    document.getElementById('login').hidden = true;
    document.getElementById('search').hidden = false;
    showUser();
    // the planner's map: Leaflet-Geoman (free) edits one line at a time (the server does the geometry); it loads
    // before the map is made, so that the map gets its editing toolkit
    const editing = has(['admin', 'planner']) ? ['vendor/leaflet-geoman/leaflet-geoman.min.js'] : [];
    // 一网统管 三级平台: for the centres (dispatchers) and analysts
    const dashboard = has(['admin', 'dispatcher', 'analyst']) ? ['js/dashboard.js'] : [];
    const scripts = ['js/api.js', ...editing, 'js/map.js', 'js/elements.js', 'js/edit.js', 'js/history.js', 'js/events.js', ...dashboard];
    await loadScripts(scripts);
  }

  async function start() {
    const form = document.getElementById('login-form');
    const error = document.getElementById('login-error');
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      try {
        save(await token({ grant_type: 'password', username: form.username.value, password: form.password.value }));
        form.password.value = '';
        await enter();
      } catch (e) {
        error.textContent = e.message;
      }
    });
    const stored = sessionStorage.getItem(KEY);
    if (stored) {
      try {
        const s = JSON.parse(stored);
        save(s);
        if (s.expires - Date.now() < 60000 && s.refresh) await renew();
        await enter();
        return;
      } catch (e) {
        sessionStorage.removeItem(KEY);
      }
    }
    document.getElementById('login').hidden = false;
    form.username.focus();
  }

  const has = (roles) => me != null && me.roles.some((r) => roles.includes(r));
  return {
    headers,
    me: () => me,
    // people and their houses (masked); element layers and lists of things; see cn.gridmap.security.Roles
    seesPeople: () => has(['admin', 'dispatcher', 'gridworker', 'liaison']),
    // boundary change sets: planners draft and edit, approvers sign off (see cn.gridmap.edit)
    edits: () => has(['admin', 'planner']),
    approves: () => has(['admin', 'approver']),
    seesChangeSets: () => has(['admin', 'planner', 'approver']),
    seesElements: () => has(['admin', 'planner', 'approver', 'dispatcher', 'gridworker', 'liaison', 'analyst', 'department']),
    // the events loop: dispatchers work the queues, grid workers and department handlers their own events
    dispatches: () => has(['admin', 'dispatcher']),
    handlesEvents: () => has(['gridworker', 'department']),
    logout,
    start,
  };
})();
window.gridmapAuth.start();
