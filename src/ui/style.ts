/** The UI's stylesheet: readable, responsive, keyboard-visible focus, no framework. */
export const CSS = `
:root{--bg:#f6f7f9;--fg:#1c2230;--muted:#5d6678;--line:#dde1e8;--card:#fff;--accent:#2b59c3;--ok:#1f7a3d;--bad:#b42318;--warn:#9a6700}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
a{color:var(--accent)}
:focus-visible{outline:3px solid #7aa2ff;outline-offset:2px}
header.top{display:flex;gap:1.2rem;align-items:center;padding:.6rem 1.2rem;background:#111827;color:#fff;flex-wrap:wrap}
header.top a{color:#e5e7eb;text-decoration:none;font-weight:500}
header.top a[aria-current=page]{color:#fff;border-bottom:2px solid #7aa2ff}
header.top .brand{font-weight:700;font-size:1.1rem;color:#fff;margin-right:1rem}
header.top form{margin-left:auto}
main{max-width:72rem;margin:1.2rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;margin:1.4rem 0 .6rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:1rem}
.clip{background:var(--card);border:1px solid var(--line);border-radius:10px;overflow:hidden;text-decoration:none;color:inherit;display:block}
.clip img,.clip .noimg{width:100%;aspect-ratio:16/9;object-fit:cover;background:#d7dbe2;display:block}
.clip .meta{padding:.5rem .7rem;font-size:.85rem}
.clip .why{color:var(--muted);font-size:.8rem}
.pill{display:inline-block;padding:0 .5rem;border-radius:99px;background:#eef1f6;font-size:.8rem;margin-right:.3rem}
.pill.ok{background:#e3f4e8;color:var(--ok)}.pill.bad{background:#fde8e7;color:var(--bad)}
form.inline{display:inline}
label{display:block;font-weight:500;margin:.4rem 0 .2rem}
input[type=text],input[type=search],input[type=number],input[type=password],select,textarea{width:100%;padding:.45rem .6rem;border:1px solid #c5cbd6;border-radius:6px;font:inherit;background:#fff}
button,.button{display:inline-block;padding:.45rem .9rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;font:inherit;cursor:pointer;text-decoration:none}
button.secondary{background:#fff;color:var(--accent)}
button.danger{border-color:var(--bad);background:var(--bad)}
button.small{padding:.15rem .5rem;font-size:.85rem}
.row{display:flex;gap:1rem;flex-wrap:wrap;align-items:flex-end}
.row>*{flex:1 1 10rem}
.filters{margin-bottom:1rem}
.error{background:#fde8e7;border:1px solid #f4b8b3;color:var(--bad);padding:.6rem .8rem;border-radius:8px;margin:.6rem 0}
.notice{background:#e8f0fe;border:1px solid #c3d4fb;padding:.6rem .8rem;border-radius:8px;margin:.6rem 0}
progress{width:100%;height:1.2rem}
ol.stages{display:flex;gap:.4rem;flex-wrap:wrap;list-style:none;padding:0}
ol.stages li{padding:.15rem .6rem;border-radius:99px;background:#eef1f6;font-size:.85rem;color:var(--muted)}
ol.stages li.done{background:#e3f4e8;color:var(--ok)}ol.stages li.now{background:#2b59c3;color:#fff}
video{width:100%;max-height:70vh;background:#000;border-radius:8px}
.strip{display:flex;gap:.4rem;overflow-x:auto;padding-bottom:.4rem}
.strip figure{margin:0;flex:0 0 auto;text-align:center;font-size:.75rem;color:var(--muted)}
.strip img{height:5.5rem;border-radius:6px;display:block}
.timeline{position:relative;height:2.2rem;background:#e8ebf1;border-radius:6px;margin:.4rem 0 1.4rem}
.timeline span{position:absolute;top:0;bottom:0;width:3px;background:var(--accent)}
.timeline span.payoff{background:var(--bad)}.timeline span.setup{background:var(--warn)}
.timeline small{position:absolute;top:2.3rem;font-size:.7rem;transform:translateX(-50%);color:var(--muted)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
.cut{display:flex;flex-direction:column;gap:.6rem}
.entry{display:grid;grid-template-columns:8rem 1fr auto;gap:.8rem;align-items:center;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.5rem}
.entry img{width:8rem;aspect-ratio:16/9;object-fit:cover;border-radius:6px;background:#d7dbe2}
.entry .actions{display:flex;gap:.3rem;flex-wrap:wrap;max-width:17rem;justify-content:flex-end}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:1rem}
.stat .n{font-size:1.6rem;font-weight:700}.stat .l{color:var(--muted);font-size:.85rem}
.muted{color:var(--muted)}
@media (max-width:40rem){.entry{grid-template-columns:1fr}.entry img{width:100%}}
`;
