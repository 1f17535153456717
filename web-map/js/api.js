// The only file that knows the service's URLs. Every call carries the login's token (js/auth.js).
window.gridmapApi = (function () {
  const headers = window.gridmapAuth.headers;
  async function json(url, signal) {
    const r = await fetch(url, { signal, headers });
    if (r.status === 401) window.gridmapAuth.logout();
    if (!r.ok) {
      let msg = r.status + ' ' + r.statusText;
      try { msg = (await r.json()).message || msg; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    return r.json();
  }
  // a write (or a read whose refusal the caller shows): resolves with the body, rejects with an Error that carries
  // the status and the body (409 {currentRevision}, 422 {issues}: the planner's map shows them)
  async function send(method, url, body) {
    const h = Object.assign({ 'Content-Type': 'application/json' }, headers);
    const r = await fetch(url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    if (r.status === 401) window.gridmapAuth.logout();
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = { message: text }; }
    if (!r.ok) {
      const err = new Error((data && data.message) || (r.status + ' ' + r.statusText));
      err.status = r.status;
      err.body = data;
      throw err;
    }
    return data;
  }
  const cs = (id, rest) => 'api/changesets/' + encodeURIComponent(id) + (rest || '');
  const bboxParam = (b) => b.map((v) => v.toFixed(6)).join(',');
  return {
    send,
    // the programmes: early warnings of a day (the map layer), the week's hotspots
    warningMap: (date) => json('api/warnings/map' + (date ? '?date=' + date : '')),
    hotspots: (week) => json('api/warnings/hotspots' + (week ? '?week=' + week : '')),
    // boundary change sets (调整方案) and the generations they publish
    changeSets: (queue) => send('GET', 'api/changesets?limit=100' + (queue ? '&queue=true' : '')),
    changeSet: (id) => send('GET', cs(id)),
    createChangeSet: (title, description, unlocks) => send('POST', 'api/changesets', { title, description, unlocks }),
    draftRegions: (id, level, bbox) => send('GET', cs(id, '/regions?level=' + level + '&bbox=' + bboxParam(bbox))),
    edges: (id, a, b) => send('GET', cs(id, '/edges?a=' + encodeURIComponent(a) + '&b=' + encodeURIComponent(b))),
    op: (id, body) => send('POST', cs(id, '/ops'), body),
    undo: (id, revision) => send('POST', cs(id, '/undo'), { revision }),
    redo: (id, revision) => send('POST', cs(id, '/redo'), { revision }),
    rebase: (id, revision) => send('POST', cs(id, '/rebase'), { revision }),
    preview: (id, kind, limit, offset) => send('GET', cs(id, '/preview?limit=' + limit + '&offset=' + offset + (kind ? '&kind=' + kind : ''))),
    submit: (id, revision, effectiveFrom) => send('POST', cs(id, '/submit'), { revision, effectiveFrom }),
    decide: (id, revision, decision, comment) => send('POST', cs(id, '/approvals'), { revision, decision, comment }),
    publish: (id, revision) => send('POST', cs(id, '/publish'), { revision }),
    generations: () => send('GET', 'api/generations'),
    regionsAsOf: (level, bbox, asOf) => send('GET', 'api/regions?level=' + level + '&bbox=' + bboxParam(bbox) + '&asOf=' + asOf),
    regionHistory: (code) => send('GET', 'api/regions/' + encodeURIComponent(code) + '/history'),
    mapConfig: () => json('api/map-config'),
    region: (code) => json('api/regions/' + encodeURIComponent(code)),
    regionGeometry: (code) => json('api/regions/' + encodeURIComponent(code) + '/geometry'),
    dashboard: (code) => json('api/regions/' + encodeURIComponent(code) + '/dashboard'),
    // 矛盾纠纷: a region's newest disputes, and a step of one
    disputes: (region) => send('GET', 'api/disputes?limit=30&region=' + encodeURIComponent(region)),
    disputeAction: (id, body) => send('POST', 'api/disputes/' + encodeURIComponent(id) + '/actions', body),
    labels: (level, bbox, signal) => json('api/regions/labels?level=' + level
        + (bbox ? '&bbox=' + bbox.map((v) => v.toFixed(5)).join(',') : ''), signal),
    search: (q) => json('api/regions/search?limit=12&q=' + encodeURIComponent(q)),
    point: (lon, lat) => json('api/point/4326/' + lon.toFixed(7) + ',' + lat.toFixed(7)),
    tileCatalogue: () => json('tiles'),
    tileJson: (layers) => json('tiles/' + layers + '.json'),
    levelStats: (level) => json('api/stats?level=' + level),
    // the map's tile layers fetch with these options (the token's header, renewed in place)
    tileFetch: { headers },
    geocode: (q) => json('api/geocode?q=' + encodeURIComponent(q)),
    people: (name) => json('api/people?limit=8&name=' + encodeURIComponent(name)),
    organizations: (name) => json('api/organizations?limit=8&name=' + encodeURIComponent(name)),
    // the events loop: queues, one event with the actions the caller may take, transitions, the log, my events, metrics
    eventQueue: (kind, region) => send('GET', 'api/events/queue?limit=200&kind=' + kind + (region ? '&region=' + region : '')),
    event: (id) => send('GET', 'api/events/' + encodeURIComponent(id)),
    eventLog: (id) => send('GET', 'api/events/' + encodeURIComponent(id) + '/log'),
    transition: (id, body) => send('POST', 'api/events/' + encodeURIComponent(id) + '/transitions', body),
    myEvents: (lon, lat) => send('GET', 'api/me/events' + (lon != null ? '?near=' + lon.toFixed(6) + ',' + lat.toFixed(6) : '')),
    eventMetrics: (level) => json('api/event-metrics?level=' + level),
    staff: (code) => json('api/regions/' + encodeURIComponent(code) + '/staff'),
    elements: (kind, bbox, signal) => json('api/' + kind + '?limit=500&bbox=' + bbox.map((v) => v.toFixed(5)).join(','), signal),
  };
})();
