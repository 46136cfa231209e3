// The public stock map (/rationing/map): Korea's 17 regions drawn from the bundled, approximate
// outlines as an SVG, every outlet a marker whose fill, size and outline show its stock band, a
// legend in words, and the same information as tables (by region, then every outlet), which is the
// map's text alternative. Server-rendered: works without JavaScript; reload for the latest levels.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { defineMessages, formatDateTime, t, type Locale, type Message } from '../../core/i18n';
import { pageSchema } from '../../core/schemas';
import { html, raw, type SafeHtml } from '../../core/web/html';
import { renderPage } from '../../core/web/layout';
import { MAP_SIZE, project, REGIONS, REGIONS_BY_CODE, regionName, svgPath } from './geo';
import { purchaseWeekdays, STOCK_BANDS, type StockBand } from './rules';
import type { OutletStock, Programme, RationingService } from './service';

const messages = defineMessages({
  title: { ko: '{item} 판매처 재고 지도', en: '{item}: stock at outlets' },
  lead: {
    ko: '판매처(약국)가 알린 재고와 판매가 바로 반영됩니다. 1인당 {period} {limit}개까지 살 수 있습니다. 최신 재고를 보려면 페이지를 새로 고치세요.',
    en: 'Stock as the outlets (pharmacies) report it, updated with every sale. Each person may buy up to {limit} per {period}. Reload the page for the latest levels.',
  },
  week: { ko: '일주일(월~일)에', en: 'week (Monday to Sunday)' },
  day: { ko: '하루에', en: 'day' },
  dayRuleTitle: { ko: '구매 요일', en: 'Purchase days' },
  dayRuleAny: { ko: '누구나 어느 요일에나 살 수 있습니다.', en: 'Anyone may buy on any day.' },
  dayRuleDigits: { ko: '출생연도 끝자리 {digits}: {days}', en: 'Birth year ending in {digits}: {days}' },
  approximate: {
    ko: '지도의 시·도 경계는 대략적인 모양이며 실제 경계와 다릅니다. 판매처는 합성 데이터입니다.',
    en: 'The region outlines on the map are approximate, not the real boundaries. The outlets are synthetic.',
  },
  mapTitle: { ko: '전국 17개 시·도 판매처 재고 지도', en: 'Map of outlets and their stock in Korea\'s 17 regions' },
  mapDesc: {
    ko: '판매처 {count}곳을 재고 수준별 표시로 나타낸 지도입니다. 같은 내용이 아래 표에 있습니다.',
    en: 'A map of {count} outlets marked by stock level. The tables below give the same information.',
  },
  toTable: { ko: '지도 내용을 표로 보기', en: 'The map as tables' },
  legend: { ko: '범례: 재고 수준', en: 'Legend: stock level' },
  plenty: { ko: '많음 (100개 이상)', en: 'Plenty (100 or more)' },
  some: { ko: '보통 (30~99개)', en: 'Some (30 to 99)' },
  few: { ko: '적음 (2~29개)', en: 'Few (2 to 29)' },
  empty: { ko: '없음 (0~1개)', en: 'Empty (0 or 1)' },
  legendCount: { ko: '{n}곳', en: '{n} outlets' },
  markerShape: { ko: '{band} 표시', en: 'Marker for {band}' },
  byRegion: { ko: '시·도별 판매처 재고 수준', en: 'Outlets by stock level in each region' },
  region: { ko: '시·도', en: 'Region' },
  total: { ko: '판매처 수', en: 'Outlets' },
  outletsCaption: { ko: '판매처별 재고 ({count}곳, 시·도 순)', en: 'Stock at each outlet ({count}, by region)' },
  filter: { ko: '시·도 선택', en: 'Choose a region' },
  allRegions: { ko: '전체', en: 'All regions' },
  show: { ko: '보기', en: 'Show' },
  outlet: { ko: '판매처', en: 'Outlet' },
  address: { ko: '주소', en: 'Address' },
  level: { ko: '재고 수준', en: 'Stock level' },
  count: { ko: '재고 수량', en: 'Count' },
  updated: { ko: '갱신 시각', en: 'Updated' },
  openData: { ko: '개방 데이터', en: 'Open data' },
  openDataText: {
    ko: '같은 데이터를 JSON({json})과 실시간 스트림(server-sent events, {stream})으로 누구나 쓸 수 있습니다.',
    en: 'The same data is open to anyone as JSON ({json}) and as a real-time stream (server-sent events, {stream}).',
  },
  noProgramme: { ko: '진행 중인 배분 사업이 없습니다.', en: 'There is no rationing programme.' },
});

const WEEKDAYS: Message[] = [
  { ko: '월', en: 'Mon' }, { ko: '화', en: 'Tue' }, { ko: '수', en: 'Wed' }, { ko: '목', en: 'Thu' }, { ko: '금', en: 'Fri' }, { ko: '토', en: 'Sat' }, { ko: '일', en: 'Sun' },
];

/** Fill, radius and outline per band: size and outline differ too, so colour is never the only cue. */
const MARKERS: Record<StockBand, { fill: string; r: number; stroke: string; dash?: string }> = {
  plenty: { fill: '#0c6b32', r: 6, stroke: '#000' },
  some: { fill: '#0b50d0', r: 5, stroke: '#000' },
  few: { fill: '#b8420a', r: 4, stroke: '#000' },
  empty: { fill: '#ffffff', r: 4, stroke: '#1e2124', dash: '2 1.5' },
};

function marker(band: StockBand, cx: number, cy: number, label?: string): SafeHtml {
  const m = MARKERS[band];
  const shape = html`<circle cx="${cx}" cy="${cy}" r="${m.r}" fill="${m.fill}" stroke="${m.stroke}" stroke-width="1.5"${m.dash ? html` stroke-dasharray="${m.dash}"` : ''}>${label ? html`<title>${label}</title>` : ''}</circle>`;
  // Empty outlets also carry a cross, so they read as "none" even in greyscale.
  const cross = band === 'empty' ? html`<path d="M${cx - 2.5} ${cy - 2.5} L${cx + 2.5} ${cy + 2.5} M${cx + 2.5} ${cy - 2.5} L${cx - 2.5} ${cy + 2.5}" stroke="#1e2124" stroke-width="1.2"/>` : '';
  return html`${shape}${cross}`;
}

function bandLabel(locale: Locale, band: StockBand): string {
  return t(locale, messages[band]);
}

function dayRuleText(locale: Locale, programme: Programme): SafeHtml {
  const rule = programme.dayRule;
  if (rule.kind === 'any-day') return html`<p>${t(locale, messages.dayRuleAny)}</p>`;
  const lines = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0].reduce((groups, digit) => {
    const days = purchaseWeekdays(rule, 2000 + digit).map((d) => WEEKDAYS[d - 1]![locale]).join(', ');
    groups.set(days, [...(groups.get(days) ?? []), digit]);
    return groups;
  }, new Map<string, number[]>());
  return html`<ul>${[...lines].map(([days, digits]) => html`<li>${t(locale, messages.dayRuleDigits, { digits: digits.join(', '), days })}</li>`)}</ul>`;
}

export function renderMap(locale: Locale, outlets: OutletStock[]): SafeHtml {
  const regions = REGIONS.map((region) => {
    const city = ['11', '26', '27', '28', '29', '30', '31', '36'].includes(region.code);
    return html`<path d="${svgPath(region.ring)}" fill="${city ? '#dfe3e8' : '#f1f3f5'}" stroke="#5f6b76" stroke-width="1" data-region="${region.code}"><title>${region.name[locale]}</title></path>`;
  });
  // Empty outlets first, plenty last: the markers that matter most are drawn on top.
  const order = [...outlets].sort((a, b) => STOCK_BANDS.indexOf(b.band) - STOCK_BANDS.indexOf(a.band));
  const markers = order.map((o) => {
    const [x, y] = project([o.longitude, o.latitude]);
    return html`<g class="outlet" data-outlet="${o.code}" data-band="${o.band}">${marker(o.band, x, y, `${o.name[locale]}: ${bandLabel(locale, o.band)}, ${o.remaining}`)}</g>`;
  });
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${MAP_SIZE.width} ${MAP_SIZE.height}" width="100%" height="640" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="map-title map-desc" focusable="false">
<title id="map-title">${t(locale, messages.mapTitle)}</title>
<desc id="map-desc">${t(locale, messages.mapDesc, { count: outlets.length })}</desc>
<rect x="0" y="0" width="${MAP_SIZE.width}" height="${MAP_SIZE.height}" fill="#e9f2fb"/>
${regions}
${markers}
</svg>`;
}

export function rationingPages(service: RationingService) {
  return async function pages(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/rationing/map',
      {
        schema: {
          ...pageSchema('Public map of outlets and their stock (ko/en; SVG map with tables as its text alternative)', { errors: [404] }),
          security: [],
          querystring: Type.Object(
            {
              programme: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
              region: Type.Optional(Type.String({ maxLength: 2 })),
              lang: Type.Optional(Type.String()),
            },
            { additionalProperties: true },
          ),
        },
      },
      async (request, reply) => {
        const locale = request.locale;
        const programmeId = request.query.programme ?? (await service.listProgrammes())[0]?.id;
        if (programmeId === undefined) {
          return renderPage(request, reply, { title: t(locale, messages.noProgramme), body: html`<h1>${t(locale, messages.noProgramme)}</h1>` });
        }
        const programme = await service.getProgramme(programmeId);
        const stock = await service.stock(programme.id);
        const region = REGIONS_BY_CODE.some((r) => r.code === request.query.region) ? request.query.region! : '';
        const title = t(locale, messages.title, { item: programme.item[locale] });
        const counts = new Map<string, Record<StockBand, number>>();
        for (const o of stock.outlets) {
          const row = counts.get(o.regionCode) ?? { plenty: 0, some: 0, few: 0, empty: 0 };
          row[o.band] += 1;
          counts.set(o.regionCode, row);
        }
        const totals = STOCK_BANDS.map((band) => stock.outlets.filter((o) => o.band === band).length);
        const listed = stock.outlets
          .filter((o) => !region || o.regionCode === region)
          .sort((a, b) => a.regionCode.localeCompare(b.regionCode) || a.code.localeCompare(b.code));
        const jsonUrl = `/api/v1/rationing/programmes/${programme.id}/stock`;
        const streamUrl = `${jsonUrl}/stream`;
        const [jsonBefore, jsonAfter] = t(locale, messages.openDataText, { json: '\u0000', stream: '\u0001' }).split('\u0000') as [string, string];
        const [streamBefore, streamAfter] = jsonAfter.split('\u0001') as [string, string];
        return renderPage(request, reply, {
          title,
          body: html`<h1>${title}</h1>
<p class="lead">${t(locale, messages.lead, { limit: programme.limitPerPerson, period: t(locale, messages[programme.period]) })}</p>
<h2>${t(locale, messages.dayRuleTitle)}</h2>
${dayRuleText(locale, programme)}
<figure class="rationing-map">
${renderMap(locale, stock.outlets)}
<figcaption><p>${t(locale, messages.approximate)}</p><p><a href="#outlets-by-region">${t(locale, messages.toTable)}</a></p></figcaption>
</figure>
<h2 id="legend">${t(locale, messages.legend)}</h2>
<ul class="legend" aria-labelledby="legend">
${STOCK_BANDS.map((band, i) => html`<li data-band="${band}"><svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false">${marker(band, 9, 9)}</svg> ${bandLabel(locale, band)}: ${t(locale, messages.legendCount, { n: totals[i]! })}</li>`)}
</ul>
<h2 id="outlets-by-region">${t(locale, messages.byRegion)}</h2>
<table>
<caption>${t(locale, messages.byRegion)}</caption>
<thead><tr><th scope="col">${t(locale, messages.region)}</th>${STOCK_BANDS.map((band) => html`<th scope="col">${bandLabel(locale, band)}</th>`)}<th scope="col">${t(locale, messages.total)}</th></tr></thead>
<tbody>
${REGIONS_BY_CODE.map((r) => {
  const row = counts.get(r.code) ?? { plenty: 0, some: 0, few: 0, empty: 0 };
  return html`<tr data-region="${r.code}"><th scope="row"><a href="?region=${r.code}#outlets">${r.name[locale]}</a></th>${STOCK_BANDS.map((band) => html`<td>${row[band]}</td>`)}<td>${STOCK_BANDS.reduce((sum, band) => sum + row[band], 0)}</td></tr>`;
})}
</tbody>
</table>
<h2 id="outlets">${t(locale, messages.outletsCaption, { count: listed.length })}</h2>
<form method="get" action="/rationing/map" class="form inline">
<input type="hidden" name="programme" value="${programme.id}">
<div class="field"><label for="region">${t(locale, messages.filter)}</label>
<select id="region" name="region"><option value="">${t(locale, messages.allRegions)}</option>${REGIONS_BY_CODE.map((r) => html`<option value="${r.code}"${r.code === region ? raw(' selected') : ''}>${r.name[locale]}</option>`)}</select></div>
<button type="submit" class="button secondary">${t(locale, messages.show)}</button>
</form>
<table>
<caption>${t(locale, messages.outletsCaption, { count: listed.length })}${region ? ` — ${regionName(region)[locale]}` : ''}</caption>
<thead><tr><th scope="col">${t(locale, messages.region)}</th><th scope="col">${t(locale, messages.outlet)}</th><th scope="col">${t(locale, messages.address)}</th><th scope="col">${t(locale, messages.level)}</th><th scope="col">${t(locale, messages.count)}</th><th scope="col">${t(locale, messages.updated)}</th></tr></thead>
<tbody>
${listed.map((o) => html`<tr data-outlet="${o.code}"><td>${regionName(o.regionCode)[locale]}</td><th scope="row">${o.name[locale]}</th><td>${(service.cachedOutlet(o.outletId)?.address ?? { ko: '', en: '' })[locale]}</td><td>${bandLabel(locale, o.band)}</td><td>${o.remaining}</td><td>${formatDateTime(locale, new Date(o.updatedAt))}</td></tr>`)}
</tbody>
</table>
<h2>${t(locale, messages.openData)}</h2>
<p>${jsonBefore}<a href="${jsonUrl}"><code>${jsonUrl}</code></a>${streamBefore}<code>${streamUrl}</code>${streamAfter}</p>`,
        });
      },
    );
  };
}
