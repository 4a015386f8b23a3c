export { renderReport } from './htmlReport.js';
export type { ReportData, ReportCategory, MetricTable } from './htmlReport.js';
export { barChart, lineChart, scatterChart } from './svgCharts.js';
export { drawOverlay, overlayColor } from './overlay.js';
export type { OverlayInstance } from './overlay.js';
