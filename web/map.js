// The map page: every refresh period (GET /map/config) it reads the pipeline's /map/* JSON and
// draws one marker per agency on the coastline of New Caledonia, which ships with the project: no
// tile server is needed. Nothing here talks to OpenSearch: the pipeline's routes do.
(function () {
  'use strict';
  const COLOURS = { green: '#2e9e44', orange: '#f08c00', red: '#d93025' };
  const state = { config: null, agencies: [], selected: null, markers: new Map(), chart: null, loadedAt: null };

  const map = L.map('map', { attributionControl: false, minZoom: 6, maxZoom: 14, zoomSnap: 0.25 });
  // Grande Terre, the Isle of Pines, the Belep and the Loyalty Islands
  map.fitBounds([[-22.75, 163.55], [-19.5, 168.2]]);
  map.setMaxBounds([[-25, 160], [-17, 171]]);
  const markers = L.layerGroup();

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  async function getJson(path) {
    let response;
    try {
      response = await fetch(path, { cache: 'no-store' });
    } catch (e) {
      throw new Error('the pipeline does not answer');
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      throw new Error(body && body.error ? body.error : 'HTTP ' + response.status);
    }
    return body;
  }

  // the limits of the waits.* properties, as the poller uses them
  function band(minutes) {
    if (minutes <= state.config.greenMaxMinutes) {
      return 'green';
    }
    return minutes <= state.config.orangeMaxMinutes ? 'orange' : 'red';
  }

  // 5 px for no wait, 18 px for an hour or more
  function radius(minutes) {
    return 5 + Math.min(minutes, 60) / 60 * 13;
  }

  function time(iso, withDate) {
    const options = { timeZone: state.config.zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false };
    if (withDate) {
      Object.assign(options, { year: 'numeric', month: '2-digit', day: '2-digit' });
    }
    return new Date(iso).toLocaleString('en-GB', options);
  }

  // the day (yyyy-MM-dd) of an instant in the pipeline's zone
  function day(iso) {
    return new Intl.DateTimeFormat('en-CA', { timeZone: state.config.zone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .format(new Date(iso));
  }

  function minutes(value) {
    return (Math.round(value * 10) / 10) + ' min';
  }

  function tooltip(agency) {
    return '<b>' + escapeHtml(agency.designation) + '</b><br>max wait ' + minutes(agency.maxWaitMinutes)
      + ', average ' + minutes(agency.avgWaitMinutes) + '<br>observed ' + time(agency.observedAt, true);
  }

  function setStatus(kind, text) {
    const status = document.getElementById('status');
    status.textContent = text;
    status.className = 'status ' + kind;
    status.dataset.state = kind;
  }

  function drawMarkers() {
    const seen = new Set();
    for (const agency of state.agencies) {
      if (!agency.position) {
        continue; // listed, not drawn
      }
      const id = String(agency.agencyId);
      const colour = COLOURS[band(agency.maxWaitMinutes)];
      const style = { radius: radius(agency.maxWaitMinutes), color: '#1d2733', weight: 1, fillColor: colour, fillOpacity: 0.9 };
      let marker = state.markers.get(id);
      if (marker) {
        marker.setLatLng([agency.position.lat, agency.position.lon]).setStyle(style).setRadius(style.radius);
        marker.setTooltipContent(tooltip(agency));
      } else {
        marker = L.circleMarker([agency.position.lat, agency.position.lon], style).bindTooltip(tooltip(agency));
        marker.on('click', () => select(id));
        marker.addTo(markers);
        state.markers.set(id, marker);
      }
      const element = marker.getElement();
      element.classList.add('agency-marker');
      element.dataset.agencyId = id;
      element.dataset.band = band(agency.maxWaitMinutes);
      element.dataset.observedAt = agency.observedAt;
      seen.add(id);
    }
    for (const [id, marker] of state.markers) {
      if (!seen.has(id)) {
        markers.removeLayer(marker);
        state.markers.delete(id);
      }
    }
  }

  function drawList() {
    const list = document.getElementById('agencies');
    list.replaceChildren(...state.agencies.map(agency => {
      const item = document.createElement('li');
      const b = band(agency.maxWaitMinutes);
      item.dataset.agencyId = agency.agencyId;
      item.dataset.band = b;
      item.dataset.observedAt = agency.observedAt;
      item.innerHTML = '<span class="swatch ' + b + '"></span> ' + escapeHtml(agency.designation) + ': max '
        + minutes(agency.maxWaitMinutes) + ', avg ' + minutes(agency.avgWaitMinutes)
        + (agency.position ? '' : ' <em>(no position: not on the map)</em>');
      if (!agency.position) {
        item.classList.add('no-position');
      }
      if (String(agency.agencyId) === state.selected) {
        item.classList.add('selected');
      }
      item.addEventListener('click', () => select(String(agency.agencyId)));
      return item;
    }));
    const c = state.config;
    document.getElementById('legend-green').textContent = '<= ' + c.greenMaxMinutes + ' min';
    document.getElementById('legend-orange').textContent = '<= ' + c.orangeMaxMinutes + ' min';
    document.getElementById('legend-red').textContent = '> ' + c.orangeMaxMinutes + ' min';
  }

  function drawAlerts(alerts) {
    alerts.sort((a, b) => b.maxWaitMinutes - a.maxWaitMinutes);
    document.getElementById('alert-count').textContent = '(' + alerts.length + ')';
    document.getElementById('alerts').replaceChildren(...alerts.map(alert => {
      const item = document.createElement('li');
      item.dataset.agencyId = alert.agencyId;
      item.textContent = alert.designation + ': raised at ' + time(alert.observedAt, false) + ', max wait '
        + minutes(alert.maxWaitMinutes) + ' above ' + minutes(alert.thresholdMinutes);
      return item;
    }));
  }

  async function drawChart() {
    const agency = state.agencies.find(a => String(a.agencyId) === state.selected);
    const title = document.getElementById('chart-title');
    const element = document.getElementById('chart');
    if (!agency) {
      title.textContent = 'Waits today';
      return;
    }
    // the day of its latest reading: today while the pipeline polls
    const onDay = day(agency.observedAt);
    const answer = await getJson('/map/agencies/' + agency.agencyId + '/readings?day=' + onDay);
    const readings = answer.readings;
    const today = day(new Date().toISOString()) === onDay;
    title.textContent = agency.designation + ', ' + (today ? 'today' : onDay) + ' (' + readings.length + (readings.length === 1 ? ' reading)' : ' readings)');
    element.dataset.agencyId = agency.agencyId;
    element.dataset.points = readings.length;
    const data = [readings.map(r => Date.parse(r.observedAt) / 1000), readings.map(r => r.maxWaitMinutes),
      readings.map(r => r.avgWaitMinutes)];
    if (state.chart) {
      state.chart.destroy();
    }
    state.chart = new uPlot({
      width: Math.max(element.clientWidth, 280), height: 200,
      tzDate: ts => uPlot.tzDate(new Date(ts * 1000), state.config.zone),
      series: [{}, { label: 'max wait (min)', stroke: COLOURS.red, width: 2 }, { label: 'avg wait (min)', stroke: '#003d7a', width: 1 }],
      axes: [{}, { label: 'minutes' }]
    }, data, element);
  }

  function select(id) {
    state.selected = id;
    for (const item of document.querySelectorAll('#agencies li')) {
      item.classList.toggle('selected', item.dataset.agencyId === id);
    }
    drawChart().catch(error => setStatus('error', 'Cannot read the agency\'s waits: ' + error.message));
  }

  function describeFreshness() {
    const newest = state.agencies.reduce((max, a) => Math.max(max, Date.parse(a['@timestamp'])), 0);
    const staleAfter = state.config.refreshMs * state.config.staleAfterPolls;
    const onMap = state.agencies.filter(a => a.position).length;
    if (state.agencies.length === 0) {
      setStatus('empty', 'No readings in OpenSearch yet');
    } else if (Date.now() - newest > staleAfter) {
      const ago = Math.round((Date.now() - newest) / 60000);
      setStatus('stale', 'Data stale: the newest reading was polled at ' + time(new Date(newest).toISOString(), true)
        + ' (' + ago + ' min ago)');
    } else {
      setStatus('ok', 'Updated ' + time(new Date().toISOString(), false) + ': ' + state.agencies.length + ' agencies, '
        + onMap + ' on the map');
    }
  }

  async function refresh() {
    try {
      const [latest, open] = await Promise.all([getJson('/map/agencies'), getJson('/map/alerts')]);
      state.agencies = latest.agencies.sort((a, b) => b.maxWaitMinutes - a.maxWaitMinutes
        || a.designation.localeCompare(b.designation));
      state.loadedAt = new Date();
      drawMarkers();
      drawList();
      drawAlerts(open.alerts);
      if (state.selected === null && state.agencies.length > 0) {
        state.selected = String(state.agencies[0].agencyId);
      }
      describeFreshness();
      await drawChart();
    } catch (error) {
      const shown = state.loadedAt ? ' Showing the data of ' + time(state.loadedAt.toISOString(), false) + '.' : '';
      setStatus('error', 'OpenSearch unreachable: ' + error.message + '.' + shown);
    } finally {
      setTimeout(refresh, state.config.refreshMs);
    }
  }

  async function start() {
    try {
      state.config = await getJson('/map/config');
      const coastline = await getJson('/map/assets/coastline.geojson');
      L.geoJSON(coastline, { interactive: false, style: { className: 'land', color: '#6b7d5c', weight: 1, fillColor: '#f4f1e6', fillOpacity: 1 } })
        .addTo(map);
      markers.addTo(map);
    } catch (error) {
      setStatus('error', 'The pipeline does not answer: ' + error.message + '. Trying again...');
      setTimeout(start, 5000);
      return;
    }
    refresh();
  }

  start();
})();
