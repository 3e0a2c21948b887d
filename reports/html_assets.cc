// The report's inline style sheet and script, and the Content-Security-Policy
// that allows exactly these two by hash. Both are constant text: evidence
// never goes into them (the script reads the table cells of the page).
#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/base/strings.h"
#include "core/evidence/hasher.h"
#include "reports/html_internal.h"

namespace tern::html {
namespace {

constexpr std::string_view kCss = R"css(
:root{--ink:#1d2330;--muted:#5b6473;--line:#d9dee7;--bg:#f4f6f9;--accent:#1f4e79;--navy:#14213d;
--crit:#7a0019;--high:#c62828;--med:#e07000;--low:#2e7d32;--info:#607d8b;
--c-read:#4e79a7;--c-send:#59a14f;--c-delete:#e15759;--c-rules:#9c5fb5;--c-admin:#f28e2b;
--c-signin:#49a5a0;--c-other:#b5aca6}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:var(--bg);-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:var(--accent)}
header.top{background:var(--navy);color:#fff;padding:22px 32px 18px}
header.top h1{margin:0;font-size:22px;font-weight:600;letter-spacing:.01em}
header.top .sub{color:#b8c4d6;font-size:13px;margin-top:2px}
header.top dl{display:flex;gap:8px 28px;flex-wrap:wrap;margin:12px 0 0;font-size:13px}
header.top dt{color:#b8c4d6;margin-right:6px;display:inline}
header.top dd{margin:0;display:inline;font-weight:600}
nav.toc{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);
padding:8px 32px;display:flex;gap:18px;flex-wrap:wrap;font-size:13px}
nav.toc a{text-decoration:none}
main{padding:4px 32px 48px;max-width:1600px;margin:0 auto}
section.block{background:#fff;border:1px solid var(--line);border-radius:6px;padding:16px 20px;margin:18px 0;
content-visibility:auto;contain-intrinsic-size:auto 1200px}
h2{font-size:18px;margin:0 0 10px;color:var(--navy)}
h3{font-size:15px;margin:16px 0 8px}
p{margin:6px 0}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:10px;margin:10px 0 14px}
.kpi{border:1px solid var(--line);border-radius:6px;padding:9px 12px;background:#fbfcfd}
.kpi .v{font-size:21px;font-weight:600;font-variant-numeric:tabular-nums}
.kpi .k{color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.05em}
.kpi.sevk{border-top:4px solid var(--info)}
.kpi.sevk.critical{border-top-color:var(--crit)}.kpi.sevk.high{border-top-color:var(--high)}
.kpi.sevk.medium{border-top-color:var(--med)}.kpi.sevk.low{border-top-color:var(--low)}
.sev{display:inline-block;min-width:62px;text-align:center;padding:1px 8px;border-radius:10px;color:#fff;
font-size:11.5px;font-weight:600;text-transform:uppercase;letter-spacing:.04em}
.sev-critical{background:var(--crit)}.sev-high{background:var(--high)}.sev-medium{background:var(--med)}
.sev-low{background:var(--low)}.sev-info{background:var(--info)}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600;cursor:pointer;white-space:nowrap;user-select:none}
th[aria-sort=ascending]::after{content:" \25B2";font-size:9px}
th[aria-sort=descending]::after{content:" \25BC";font-size:9px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.time{white-space:nowrap;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:#fafbfc}
tbody tr:hover{background:#f0f5fb}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11.5px;word-break:break-all}
.wrap{overflow-wrap:break-word}
.any{overflow-wrap:anywhere;min-width:10em}
.nowrap{white-space:nowrap}
td a{white-space:nowrap}
svg.mini{display:block;width:120px;height:8px;background:#eef1f5;border-radius:2px;margin:3px 0 2px}
.pre{white-space:pre-wrap}
.scroll{overflow-x:auto}
.tools{display:flex;gap:12px;align-items:center;margin:6px 0;flex-wrap:wrap}
input.filter,input.ffilter{padding:4px 8px;border:1px solid var(--line);border-radius:4px;min-width:280px;font:inherit}
label.sevtoggle{font-size:12.5px;margin-right:6px;white-space:nowrap}
.count{color:var(--muted);font-size:12px}
.hidden{display:none}
.sevgroup h3{border-bottom:1px solid var(--line);padding-bottom:4px}
article.finding{content-visibility:auto;contain-intrinsic-size:auto 600px;border:1px solid var(--line);border-left:6px solid var(--info);border-radius:6px;
padding:12px 16px;margin:12px 0;background:#fff}
article.finding.sev-critical{border-left-color:var(--crit);background:#fff}
article.finding.sev-high{border-left-color:var(--high);background:#fff}
article.finding.sev-medium{border-left-color:var(--med);background:#fff}
article.finding.sev-low{border-left-color:var(--low);background:#fff}
article.finding.sev-info{background:#fff}
article.finding h4{margin:0 0 6px;font-size:15px;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
article.finding h4 .fid{font-family:ui-monospace,Menlo,Consolas,monospace;color:var(--muted);font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;margin:8px 0;font-size:13px}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;word-break:break-word}
pre.details{background:#f3f5f8;border:1px solid var(--line);border-radius:4px;padding:8px 10px;font-size:12px;
white-space:pre-wrap;word-break:break-word;margin:6px 0}
.note{color:var(--muted);font-size:12.5px}
.tag{display:inline-block;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11.5px;background:#e8edf4;
border-radius:3px;padding:0 5px;margin:0 3px 2px 0}
.flag{display:inline-block;font-size:11px;border:1px solid var(--med);color:var(--med);border-radius:3px;padding:0 4px}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:12px;margin:8px 0 2px}
.legend i{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px;border-radius:2px}
.legend .mk{font-style:normal;color:var(--high)}
svg.chart{width:100%;height:auto;display:block}
svg.chart text{font-size:11px;fill:#5b6473;font-family:system-ui,sans-serif}
svg.chart .grid{stroke:#e6e9ef;stroke-width:1}
svg.chart .axis{stroke:#8a93a3;stroke-width:1}
svg.chart .lane{fill:#f6f7fa}
.c-read{fill:var(--c-read);background:var(--c-read)}.c-send{fill:var(--c-send);background:var(--c-send)}
.c-delete{fill:var(--c-delete);background:var(--c-delete)}
.c-rules-permissions{fill:var(--c-rules);background:var(--c-rules)}
.c-admin{fill:var(--c-admin);background:var(--c-admin)}.c-sign-in{fill:var(--c-signin);background:var(--c-signin)}
.c-other{fill:var(--c-other);background:var(--c-other)}
svg.chart .mk-critical{fill:var(--crit)}svg.chart .mk-high{fill:var(--high)}svg.chart .mk-medium{fill:var(--med)}
svg.chart .mk-low{fill:var(--low)}svg.chart .mk-info{fill:var(--info)}
svg.chart .guide{stroke:#9aa3b2;stroke-width:1;stroke-dasharray:3 3}
svg.chart text.mkn{fill:#fff;font-size:9px;font-weight:700}
footer{color:var(--muted);font-size:12px;text-align:center;padding:8px 0 24px}
@media print{
body{background:#fff;font-size:10.5px}
nav.toc,.tools{display:none}
header.top{background:#fff;color:#000;border-bottom:2px solid #000;padding:0 0 8px}
header.top .sub,header.top dt{color:#333}
main{padding:0;max-width:none}
section.block{border:none;border-radius:0;padding:0;margin:14px 0}
section.block,article.finding{content-visibility:visible}
.kpi,svg.chart,dl.facts,pre.details,tr{break-inside:avoid}
.kpis{grid-template-columns:repeat(4,1fr)}
table{font-size:9px}
th,td{padding:2px 4px}
th,td.time,td a{white-space:normal}
.any{min-width:0}
td .note,td .mono,td.mono,td .hash,td .tag{font-size:8.5px}
h2{break-after:avoid}
.hidden{display:block}
tr.hidden{display:table-row}
.scroll{overflow:visible}
thead{display:table-header-group}
a{color:inherit;text-decoration:none}
tbody tr:hover{background:inherit}
@page{margin:12mm}
}
)css";

// Runs once at the end of the body. Marks the body data-ready="1" when done
// and data-jserror="..." on any script error (the browser test reads both).
constexpr std::string_view kScript = R"js(
(function () {
  'use strict';
  var body = document.body;
  window.addEventListener('error', function (e) {
    body.setAttribute('data-jserror', String(e && e.message ? e.message : 'error'));
  });
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var sortKey = function (cell) {
    var v = cell ? cell.getAttribute('data-v') : null;
    return v === null ? (cell ? cell.textContent.trim().toLowerCase() : '') : v;
  };
  var sortTable = function (table, index, numeric, th) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    rows.sort(function (a, b) {
      var x = sortKey(a.cells[index]);
      var y = sortKey(b.cells[index]);
      var c;
      if (numeric) {
        c = (x === '' ? -Infinity : Number(x)) - (y === '' ? -Infinity : Number(y));
        if (isNaN(c)) { c = 0; }
      } else {
        c = x < y ? -1 : (x > y ? 1 : 0);
      }
      return c * dir || Number(a.getAttribute('data-i')) - Number(b.getAttribute('data-i'));
    });
    each(th.parentNode.cells, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    each(rows, function (r) { tbody.appendChild(r); });
  };
  each(document.querySelectorAll('table.sortable'), function (table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    each(table.tBodies[0].rows, function (r, i) { r.setAttribute('data-i', String(i)); });
    each(table.tHead.rows[0].cells, function (th, i) {
      var numeric = th.classList.contains('num') || th.classList.contains('time');
      var go = function () { sortTable(table, i, numeric, th); };
      th.tabIndex = 0;
      th.addEventListener('click', go);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); }
      });
    });
  });
  var filterTable = function (input) {
    var id = input.getAttribute('data-table');
    var table = document.getElementById(id);
    if (!table) { return; }
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    var total = 0;
    each(table.tBodies[0].rows, function (r) {
      var hit = !q || r.textContent.toLowerCase().indexOf(q) !== -1;
      r.classList.toggle('hidden', !hit);
      total += 1;
      if (hit) { shown += 1; }
    });
    var count = document.getElementById(id + '-count');
    if (count) { count.textContent = q ? shown + ' of ' + total + ' rows' : total + ' rows'; }
  };
  each(document.querySelectorAll('input.filter'), function (input) {
    input.addEventListener('input', function () { filterTable(input); });
    filterTable(input);
  });
  var findingFilter = document.getElementById('finding-filter');
  var filterFindings = function () {
    var q = findingFilter ? findingFilter.value.trim().toLowerCase() : '';
    var on = {};
    each(document.querySelectorAll('input.sevtoggle'), function (c) { on[c.value] = c.checked; });
    var shown = 0;
    each(document.querySelectorAll('section.sevgroup'), function (group) {
      var visible = 0;
      each(group.querySelectorAll('article.finding'), function (a) {
        var hit = on[a.getAttribute('data-sev')] !== false &&
            (!q || a.textContent.toLowerCase().indexOf(q) !== -1);
        a.classList.toggle('hidden', !hit);
        if (hit) { visible += 1; }
      });
      group.classList.toggle('hidden', visible === 0);
      shown += visible;
    });
    var count = document.getElementById('finding-count');
    if (count) { count.textContent = shown + ' shown'; }
  };
  if (findingFilter) { findingFilter.addEventListener('input', filterFindings); }
  each(document.querySelectorAll('input.sevtoggle'), function (c) {
    c.addEventListener('change', filterFindings);
  });
  filterFindings();
  body.setAttribute('data-ready', '1');
}());
)js";

std::string Sha256Base64(std::string_view text) {
  return absl::Base64Escape(absl::HexStringToBytes(Sha256Hex(text)));
}

}  // namespace

std::string_view ReportCss() { return kCss; }
std::string_view ReportScript() { return kScript; }

std::string ContentSecurityPolicy() {
  // Computed once: the texts are constant.
  static const std::string* const policy = new std::string(absl::StrCat(
      "default-src 'none'; script-src 'sha256-", Sha256Base64(kScript), "'; style-src 'sha256-",
      Sha256Base64(kCss), "'; img-src 'none'; connect-src 'none'; font-src 'none'; ",
      "object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"));
  return *policy;
}

}  // namespace tern::html
