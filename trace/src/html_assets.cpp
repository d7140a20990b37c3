// The report's stylesheet and script: small, ours, inline (the report works offline).
#include "html_internal.h"

namespace softcard::trace::detail {

const std::string& html_css() {
  static const std::string css = R"CSS(
:root{--bg:#fff;--fg:#1d2330;--mute:#6b7385;--line:#c9ced8;--ok:#1f7a3a;--bad:#b3261e}
*{box-sizing:border-box}body{margin:0;font:13px/1.4 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
header{position:sticky;top:0;z-index:5;background:#f6f7f9;border-bottom:1px solid var(--line);padding:8px 16px}
h1{font-size:16px;margin:0 0 2px}h2{font-size:13px;margin:6px 0 2px}h3{font-size:12px;margin:6px 0 2px;color:var(--mute)}
#summary{margin:0;color:var(--mute)}
table.split{border-collapse:collapse;font-size:12px}table.split td{padding:0 8px 0 0}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.bar{width:320px}
td.bar span{display:block;height:8px;background:#5b7bd5;min-width:1px}
#axis{position:relative;height:16px;margin:6px 0;background:#e9ecf1;border-radius:3px}
#axis .tick{position:absolute;top:0;height:16px;opacity:.85}
#filters{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin-top:6px}
#filters label{display:inline-flex;gap:4px;align-items:center}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px}
main{position:relative;padding:0 16px 40px}
.lanes{position:sticky;top:0;height:34px;z-index:3}
.lane{position:absolute;top:6px;transform:translateX(-50%);padding:2px 8px;border:1px solid var(--line);border-radius:4px;background:#fff;white-space:nowrap;font-weight:600}
.lane.host{background:#fff6e0}.lane.reader{background:#eef1f5}
.lifelines{position:absolute;top:34px;bottom:0;left:16px;right:16px;pointer-events:none}
.lifeline{position:absolute;top:0;bottom:0;border-left:1px dashed var(--line)}
.row{position:relative;margin:0}.row.hidden{display:none}
.row.step{margin-top:12px;padding:4px 8px;background:#e8f0fe;border-left:4px solid #3d6fd8;font-weight:600;z-index:1}
.stepno{display:inline-block;min-width:2em;color:#3d6fd8}
.row.call{padding:6px 0 0;z-index:1}.callname{display:inline-block;background:#fff6e0;border:1px solid #e4c77a;border-radius:3px;padding:0 6px;font-family:ui-monospace,monospace}
.dur{color:var(--mute);font-size:11px}
.row.cmd{height:38px;cursor:pointer}.row.cmd.open{height:auto}
.arrow,.ret{position:absolute;height:0;border-top:2px solid #555}
.arrow{top:14px}.ret{top:30px;border-top:1px dashed #777}
.arrow::after{content:"";position:absolute;right:-1px;top:-6px;border:5px solid transparent;border-left:8px solid #555}
.ret::before{content:"";position:absolute;left:-1px;top:-5px;border:4px solid transparent;border-right:7px solid #777}
.ret.bad{border-top-color:var(--bad)}.ret.bad .label{color:var(--bad)}
.label{position:absolute;bottom:1px;left:6px;white-space:nowrap;font-size:12px;background:rgba(255,255,255,.85);padding:0 3px}
.arrow .label{font-weight:600}.ret .label{font-size:11px;color:var(--ok)}
.details{display:none;margin:40px 0 8px 8%;width:84%;background:#fbfbfc;border:1px solid var(--line);border-radius:4px;padding:4px 10px;cursor:auto;position:relative;z-index:2}
.row.cmd.open .details{display:block}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:16px}
ul.tree{list-style:none;margin:0;padding-left:14px}ul.tree>li{margin:1px 0}
.k{color:#37428a}.v{font-family:ui-monospace,monospace}.hex{color:var(--mute);font-size:11px}
li.varies>.v{color:#8a5a00}li.withheld>.v{color:var(--bad)}
pre.raw{font-size:11px;white-space:pre-wrap;word-break:break-all;background:#f1f3f6;padding:6px;margin:2px 0}
.fault{color:var(--bad)}.row.event{color:var(--mute);font-style:italic;padding:2px 8px}
footer{color:var(--mute);padding:8px 16px}
.c0{background:#4e79a7;border-color:#4e79a7}.c1{background:#f28e2b;border-color:#f28e2b}.c2{background:#59a14f;border-color:#59a14f}
.c3{background:#e15759;border-color:#e15759}.c4{background:#76b7b2;border-color:#76b7b2}.c5{background:#edc948;border-color:#edc948}
.c6{background:#b07aa1;border-color:#b07aa1}.c7{background:#9c755f;border-color:#9c755f}
.arrow.c0,.arrow.c1,.arrow.c2,.arrow.c3,.arrow.c4,.arrow.c5,.arrow.c6,.arrow.c7{background:none}
.lane.applet{color:#fff}
)CSS";
  return css;
}

const std::string& html_script() {
  static const std::string js = R"JS(
(function(){
  var rows=[].slice.call(document.querySelectorAll('.row.cmd'));
  rows.forEach(function(r){
    r.addEventListener('click',function(ev){
      if(ev.target.closest('.details'))return;
      r.classList.toggle('open');
    });
  });
  function openHash(){
    var id=location.hash.slice(1);if(!id)return;
    var r=document.getElementById(id);
    if(r&&r.classList.contains('cmd')){r.classList.add('open');r.scrollIntoView();}
  }
  window.addEventListener('hashchange',openHash);openHash();
  function filter(){
    var on={};[].forEach.call(document.querySelectorAll('.f-applet'),function(c){on[c.value]=c.checked;});
    var st=document.getElementById('f-status').value;
    rows.forEach(function(r){
      var show=on[r.dataset.applet]!==false&&(st==='all'||r.dataset.status===st);
      r.classList.toggle('hidden',!show);
    });
  }
  [].forEach.call(document.querySelectorAll('.f-applet'),function(c){c.addEventListener('change',filter);});
  document.getElementById('f-status').addEventListener('change',filter);
  document.getElementById('expand-all').addEventListener('click',function(){rows.forEach(function(r){r.classList.add('open');});});
  document.getElementById('collapse-all').addEventListener('click',function(){rows.forEach(function(r){r.classList.remove('open');});});
  document.body.dataset.ready='1';
})();
)JS";
  return js;
}

}  // namespace softcard::trace::detail
