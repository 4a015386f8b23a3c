/** The view page's style sheet (the page is built by script; this is its only CSS). */
export const VIEW_CSS = `
:root { font-family: system-ui, sans-serif; color: #222; background: #fafafa; }
body { margin: 0 auto; max-width: 1180px; padding: 12px 20px 40px; }
h1 { font-size: 20px; margin: 8px 0 4px; }
h2 { font-size: 16px; margin: 22px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.muted { color: #666; font-size: 13px; }
.controls { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; margin: 10px 0; }
.drop { border: 2px dashed #aaa; border-radius: 8px; padding: 10px 14px; min-width: 230px; background: #fff; }
.drop.over { border-color: #4e79a7; background: #eef3fa; }
.drop b { display: block; font-size: 13px; }
#status { font-size: 13px; min-height: 18px; }
#error { color: #b00020; font-family: ui-monospace, monospace; font-size: 13px; white-space: pre-wrap; }
progress { width: 220px; vertical-align: middle; }
table { border-collapse: collapse; font-size: 13px; background: #fff; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
th { background: #f0f0f0; }
td.name, th.name { text-align: left; }
#categories th { cursor: pointer; user-select: none; }
#categories th[aria-sort="ascending"]::after { content: " \\25B2"; }
#categories th[aria-sort="descending"]::after { content: " \\25BC"; }
.scroll { max-height: 420px; overflow: auto; display: inline-block; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.charts svg { background: #fff; border: 1px solid #e4e4e4; }
.images { display: flex; flex-wrap: wrap; gap: 14px; }
.pair { background: #fff; border: 1px solid #ddd; padding: 6px; }
.pair .row { display: flex; gap: 6px; }
.pair figure { margin: 0; }
.pair figcaption { font-size: 12px; color: #555; }
.pair canvas { max-width: 260px; height: auto; display: block; }
pre.stats { background: #fff; border: 1px solid #ddd; padding: 8px; font-size: 12px; overflow-x: auto; }
`;
