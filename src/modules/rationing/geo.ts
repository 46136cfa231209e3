// Korea's 17 provinces and metropolitan cities as approximate, hand-drawn outlines
// (regions.geojson, bundled so the map needs no tiles or network), a flat projection for the SVG
// map, and which region a point falls in. The outlines are schematic: good for placing outlets and
// reading a map at a glance, not for any boundary decision.
import { readFileSync } from 'node:fs';
import { PROVINCES, type ProvinceCode } from '../registry/population/regions';
import type { Message } from '../../core/i18n';

export type Position = [lon: number, lat: number];

export interface Region {
  code: ProvinceCode;
  name: Message;
  /** Outer ring, first point repeated at the end (GeoJSON). */
  ring: Position[];
}

interface RegionsGeoJson {
  features: Array<{ properties: { code: ProvinceCode }; geometry: { type: 'Polygon'; coordinates: Position[][] } }>;
}

const geojson = JSON.parse(readFileSync(new URL('./regions.geojson', import.meta.url), 'utf8')) as RegionsGeoJson;

/** In drawing order: provinces first, then the cities inside or against them, drawn on top. */
export const REGIONS: readonly Region[] = geojson.features.map((feature) => {
  const province = PROVINCES.find((p) => p.code === feature.properties.code);
  if (!province) throw new Error(`regions.geojson: unknown region ${feature.properties.code}`);
  return { code: province.code, name: { ko: province.nameKo, en: province.nameEn }, ring: feature.geometry.coordinates[0]! };
});

/** Regions in the order of their codes, for tables. */
export const REGIONS_BY_CODE: readonly Region[] = [...REGIONS].sort((a, b) => a.code.localeCompare(b.code));

export function regionName(code: string): Message {
  return REGIONS.find((r) => r.code === code)?.name ?? { ko: code, en: code };
}

function inRing([lon, lat]: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The region drawn at this point (the topmost outline containing it), if any. */
export function regionAt(point: Position): Region | undefined {
  for (let i = REGIONS.length - 1; i >= 0; i -= 1) if (inRing(point, REGIONS[i]!.ring)) return REGIONS[i];
  return undefined;
}

export function boundingBox(region: Region): { west: number; east: number; south: number; north: number } {
  const lons = region.ring.map((p) => p[0]);
  const lats = region.ring.map((p) => p[1]);
  return { west: Math.min(...lons), east: Math.max(...lons), south: Math.min(...lats), north: Math.max(...lats) };
}

/**
 * A plain equirectangular projection scaled for latitude 36°N (Korea's middle), in SVG units;
 * Jeju sits at its true place, south of the mainland.
 */
export const MAP = { west: 125.9, east: 129.8, south: 33.0, north: 38.8, scale: 100 } as const;
const X_SCALE = MAP.scale * Math.cos((36 * Math.PI) / 180);

export function project([lon, lat]: Position): [x: number, y: number] {
  return [Math.round((lon - MAP.west) * X_SCALE * 10) / 10, Math.round((MAP.north - lat) * MAP.scale * 10) / 10];
}

export const MAP_SIZE = { width: Math.ceil((MAP.east - MAP.west) * X_SCALE), height: Math.ceil((MAP.north - MAP.south) * MAP.scale) } as const;

export function svgPath(ring: Position[]): string {
  return `${ring.slice(0, -1).map((p, i) => `${i === 0 ? 'M' : 'L'}${project(p).join(' ')}`).join(' ')} Z`;
}
