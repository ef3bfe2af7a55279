// The scoreboard's chart, drawn on the server without a browser: ECharts
// renders SVG (its server-side mode), resvg turns it into a PNG. The font is
// shipped with the app (DejaVu Sans, Cyrillic included) and the machine's
// fonts are never looked at, so the image is the same everywhere, in Docker
// too. Only ECharts' modular build is imported (echarts/core and the parts
// used), which keeps memory and the image small.
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { Texts } from '../i18n/index.js';
import type { Report } from '../domain/reports.js';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

const FONT = 'DejaVu Sans';
const fontFile = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const WIDTH = 1000;
const HEIGHT = 900;
/** Managers shown in the second chart: the busiest. */
const MANAGERS_MAX = 12;

/** Two charts in one image: tickets opened and resolved per day; the median first response per manager. */
export function renderScoreboardChart(t: Texts, r: Report): Uint8Array {
  const s = t.stats;
  const managers = r.managers.filter((m) => m.medianFirstResponse !== null).slice(0, MANAGERS_MAX);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT },
    title: [
      { text: s.chartDays, left: 'center', top: 10 },
      { text: s.chartManagers, left: 'center', top: 470 },
    ],
    legend: { top: 40, data: [s.chartOpened, s.chartResolved] },
    grid: [
      { top: 80, height: 330, left: 60, right: 30 },
      { top: 510, height: 330, left: 60, right: 30 },
    ],
    xAxis: [
      { type: 'category', gridIndex: 0, data: r.days.map((d) => d.date.slice(5)) },
      { type: 'category', gridIndex: 1, data: managers.map((m) => m.name), axisLabel: { interval: 0, rotate: managers.length > 5 ? 30 : 0 } },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, minInterval: 1 },
      { type: 'value', gridIndex: 1 },
    ],
    series: [
      { name: s.chartOpened, type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: r.days.map((d) => d.opened) },
      { name: s.chartResolved, type: 'line', xAxisIndex: 0, yAxisIndex: 0, data: r.days.map((d) => d.resolved) },
      {
        name: s.chartManagers,
        type: 'bar',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: managers.map((m) => Math.round(((m.medianFirstResponse ?? 0) / 60_000) * 10) / 10),
        itemStyle: { color: '#91cc75' },
      },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return new Resvg(svg, { font: { fontFiles: [fontFile], loadSystemFonts: false, defaultFontFamily: FONT }, fitTo: { mode: 'original' } }).render().asPng();
}
