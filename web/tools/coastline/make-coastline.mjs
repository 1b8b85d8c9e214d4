// Regenerates web/coastline.geojson: the coastline of New Caledonia (Grande Terre, the Isle of
// Pines, the Belep and Loyalty Islands) for the map page, from Natural Earth 1:10m (public domain),
// as world-atlas packages it (TopoJSON, ISO 3166-1 numeric id 540). Run: npm ci && npm run coastline
import { readFileSync, writeFileSync } from 'node:fs';
import { feature } from 'topojson-client';

const world = JSON.parse(readFileSync(new URL('./node_modules/world-atlas/countries-10m.json', import.meta.url)));
const caledonia = feature(world, world.objects.countries).features.find(country => country.id === '540');
// the islands of the map; the Chesterfield, Walpole, Matthew and Hunter islets lie far off it
const WEST = 163, EAST = 169, SOUTH = -23, NORTH = -19;
// 3 decimals, about 100 m: finer than the 1:10m source at this zoom, and a small file
const round = value => Math.round(value * 1000) / 1000;

function simplify(ring) {
  const out = [];
  for (const [lon, lat] of ring) {
    const point = [round(lon), round(lat)];
    const last = out[out.length - 1];
    if (!last || last[0] !== point[0] || last[1] !== point[1]) {
      out.push(point);
    }
  }
  return out;
}

const polygons = [];
const rings = caledonia.geometry.type === 'Polygon' ? [caledonia.geometry.coordinates] : caledonia.geometry.coordinates;
for (const polygon of rings) {
  const [lon, lat] = polygon[0][0];
  if (lon < WEST || lon > EAST || lat < SOUTH || lat > NORTH) {
    continue;
  }
  const simplified = polygon.map(simplify).filter(ring => ring.length >= 4);
  if (simplified.length > 0) {
    polygons.push(simplified);
  }
}

const geojson = {
  type: 'FeatureCollection',
  features: [{
    type: 'Feature',
    properties: {
      name: 'New Caledonia',
      source: 'Natural Earth 1:10m Admin 0 countries v4.1.0 (public domain), from the npm package world-atlas 2.0.2 (ISC)'
    },
    geometry: { type: 'MultiPolygon', coordinates: polygons }
  }]
};
const target = new URL('../../coastline.geojson', import.meta.url);
writeFileSync(target, JSON.stringify(geojson) + '\n');
const points = polygons.reduce((n, polygon) => n + polygon.reduce((m, ring) => m + ring.length, 0), 0);
console.log(`web/coastline.geojson: ${polygons.length} islands, ${points} points`);
