/* Test helper (not part of the page): open every shown place's popup as a person would, and
 * report where the popup's title or close button is outside the visible map or under a control.
 * For each place: pan so its marker sits at one of a grid of clear spots of the map, at the zoom
 * where it is no longer clustered; a marker still in a cluster at the last zoom is spread by a
 * tap on the cluster; the marker is tapped only if it is what a finger there would hit
 * (elementFromPoint); then the popup is measured once the page says it is settled. One call
 * per viewport: the page does the work, the test gets the failures. */
async ({ zoom, limit }) => {
  const app = cloudmap.app_, map = cloudmap.map;
  const settle = async () => { await null; while (!cloudmap.settled()) await new Promise((res) => requestAnimationFrame(res)); };
  const box = (e) => { const r = e.getBoundingClientRect(); return { l: r.left, t: r.top, r: r.right, b: r.bottom }; };
  const meets = (a, b) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
  const controls = () => [...document.querySelectorAll('.leaflet-control')].map(box).filter((c) => c.r > c.l && c.b > c.t);
  const visible = () => { const m = box(app.container);
    return { l: Math.max(m.l, 0), t: Math.max(m.t, 0), r: Math.min(m.r, innerWidth), b: Math.min(m.b, innerHeight) }; };
  cloudmap.setProviders(cloudmap.data.providers.map((p) => p.id));
  app.setShade('none'); // the country polygons are drawn under everything: they move no popup or control
  await settle();
  // where a marker may be tapped: a grid over the visible map, clear of every control
  const v = visible(), ctrls = controls(), m0 = box(app.container), spots = [];
  for (let j = 0; j < 5; j += 1) {
    for (let i = 0; i < 5; i += 1) {
      const x = v.l + 20 + (v.r - v.l - 40) * i / 4, y = v.t + 20 + (v.b - v.t - 40) * j / 4;
      const icon = { l: x - 16, t: y - 16, r: x + 16, b: y + 16 };
      if (!ctrls.some((c) => meets(icon, c))) spots.push([x - m0.l, y - m0.t]);
    }
  }
  const places = cloudmap.shown().slice(0, limit || 100000), fails = [];
  let k = 0;
  for (const p of places) {
    map.closePopup();
    const size = map.getSize(), maxZoom = map.getMaxZoom();
    let mk = app.nearestCopy(p), z = zoom, hit = null, shownAs, why = '';
    if (mk.__parent && mk.__parent._zoom !== undefined) z = Math.max(z, Math.min(mk.__parent._zoom + 1, maxZoom));
    for (let tries = 0; tries < 6; tries += 1) {
      const spot = spots[k++ % spots.length];
      const at = map.project([p.lat, p.lon], z).subtract([spot[0] - size.x / 2, spot[1] - size.y / 2]);
      map.setView(map.unproject(at, z), z, { animate: false }); // the user pans there
      await settle();
      mk = app.nearestCopy(p);
      shownAs = app.cluster.getVisibleParent(mk);
      const target = shownAs && shownAs._icon;
      if (!target) { why = 'not drawn'; continue; }
      const r = target.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
      hit = document.elementFromPoint(x, y);
      if (!hit || !target.contains(hit)) { why = 'covered by ' + (hit ? hit.className : 'nothing'); hit = null; continue; }
      if (shownAs === mk) break;
      // several places at one spot at the last zoom: a tap spreads them
      hit.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, clientX: x, clientY: y, view: window }));
      await settle();
      shownAs = app.cluster.getVisibleParent(mk);
      hit = null;
      if (shownAs === mk && mk._icon) {
        const r2 = mk._icon.getBoundingClientRect(), x2 = r2.left + r2.width / 2, y2 = r2.top + r2.height / 2;
        hit = document.elementFromPoint(x2, y2);
        if (hit && mk._icon.contains(hit)) break;
        why = 'spread marker covered by ' + (hit ? hit.className : 'nothing'); hit = null;
      } else why = 'still clustered at zoom ' + map.getZoom();
    }
    if (!hit) { fails.push([p.prov.id, p.id, 'not tappable: ' + why]); continue; }
    const r = mk._icon.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    hit.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, clientX: x, clientY: y, view: window }));
    await settle();
    const pop = document.querySelector('.leaflet-popup');
    if (!pop) { fails.push([p.prov.id, p.id, 'no popup']); continue; }
    const vis = visible(), cs = controls();
    for (const [name, sel] of [['title', 'h3'], ['close', '.leaflet-popup-close-button']]) {
      const e = pop.querySelector(sel), b = e && box(e);
      if (!b) { fails.push([p.prov.id, p.id, name + ' missing']); continue; }
      if (b.l < vis.l - 0.5 || b.r > vis.r + 0.5 || b.t < vis.t - 0.5 || b.b > vis.b + 0.5) fails.push([p.prov.id, p.id, name + ' outside the map', b, vis]);
      const c = cs.find((ctrl) => meets(b, ctrl));
      if (c) fails.push([p.prov.id, p.id, name + ' under a control', b, c]);
    }
    const whole = box(pop);
    if (whole.t < vis.t - 0.5 || whole.b > vis.b + 0.5 || cs.some((c) => meets(whole, c))) fails.push([p.prov.id, p.id, 'popup not clear (whole)']);
  }
  map.closePopup();
  return { n: places.length, spots: spots.length, fails };
}
