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
  return {
    mapConfig: () => json('api/map-config'),
    region: (code) => json('api/regions/' + encodeURIComponent(code)),
    regionGeometry: (code) => json('api/regions/' + encodeURIComponent(code) + '/geometry'),
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
    elements: (kind, bbox, signal) => json('api/' + kind + '?limit=500&bbox=' + bbox.map((v) => v.toFixed(5)).join(','), signal),
  };
})();
